<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: AppFramework/Controller.php,
// AppFramework/Http/JSONResponse.php, AppFramework/Http/Attribute/NoAdminRequired.php,
// IRequest.php (getParam), IUserSession.php (getUser).

namespace OCA\SIPCall\Controller;

use OCA\SIPCall\AppInfo\Application;
use OCA\SIPCall\Service\Access;
use OCA\SIPCall\Service\CallStatus;
use OCA\SIPCall\Service\PhoneTabs;
use OCP\AppFramework\Controller;
use OCP\AppFramework\Http;
use OCP\AppFramework\Http\Attribute\NoAdminRequired;
use OCP\AppFramework\Http\JSONResponse;
use OCP\IRequest;
use OCP\IUserSession;

/**
 * What the phone in the page says of itself, each a yes or no, CSRF-checked
 * like every route without NoCSRFRequired (only Nextcloud's own pages can
 * say it):
 * - PUT /api/v1/status {"inCall": bool}: a call started or ended, and the
 *   user's Nextcloud status follows (CallStatus);
 * - PUT /api/v1/presence {"here": bool}: this tab holds the phone, or let it
 *   go (PhoneTabs), so that a call missed here needs no notification.
 */
final class PhoneStateController extends Controller {
	public function __construct(
		IRequest $request,
		private IUserSession $userSession,
		private Access $access,
		private CallStatus $callStatus,
		private PhoneTabs $tabs,
	) {
		parent::__construct(Application::APP_ID, $request);
	}

	#[NoAdminRequired]
	public function status(): JSONResponse {
		return $this->flag('inCall', fn (string $userId, bool $inCall) => $this->callStatus->set($userId, $inCall));
	}

	#[NoAdminRequired]
	public function presence(): JSONResponse {
		return $this->flag('here', fn (string $userId, bool $here) => $this->tabs->set($userId, $here));
	}

	/** @param \Closure(string, bool): void $apply */
	private function flag(string $name, \Closure $apply): JSONResponse {
		$user = $this->userSession->getUser();
		if ($user === null || $this->access->of($user) !== Access::ALLOWED) {
			return new JSONResponse(['message' => 'You are not allowed to use SIPCall'], Http::STATUS_FORBIDDEN);
		}
		$value = $this->request->getParam($name);
		if (!is_bool($value)) {
			return new JSONResponse(['message' => "$name must be true or false"], Http::STATUS_BAD_REQUEST);
		}
		$apply($user->getUID(), $value);
		return new JSONResponse([$name => $value]);
	}
}
