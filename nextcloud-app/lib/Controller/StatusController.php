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
use OCP\AppFramework\Controller;
use OCP\AppFramework\Http;
use OCP\AppFramework\Http\Attribute\NoAdminRequired;
use OCP\AppFramework\Http\JSONResponse;
use OCP\IRequest;
use OCP\IUserSession;

/**
 * PUT /api/v1/status {"inCall": true|false}: the phone in the page says when
 * a call starts and ends, and the user's status follows. CSRF-checked like
 * every route without NoCSRFRequired: only Nextcloud's own pages can ask.
 */
final class StatusController extends Controller {
	public function __construct(
		IRequest $request,
		private IUserSession $userSession,
		private Access $access,
		private CallStatus $callStatus,
	) {
		parent::__construct(Application::APP_ID, $request);
	}

	#[NoAdminRequired]
	public function update(): JSONResponse {
		$user = $this->userSession->getUser();
		if ($user === null || $this->access->of($user) !== Access::ALLOWED) {
			return new JSONResponse(['message' => 'You are not allowed to use SIPCall'], Http::STATUS_FORBIDDEN);
		}
		$inCall = $this->request->getParam('inCall');
		if (!is_bool($inCall)) {
			return new JSONResponse(['message' => 'inCall must be true or false'], Http::STATUS_BAD_REQUEST);
		}
		$this->callStatus->set($user->getUID(), $inCall);
		return new JSONResponse(['inCall' => $inCall]);
	}
}
