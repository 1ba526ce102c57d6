<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: AppFramework/Controller.php,
// AppFramework/Http/Attribute/NoAdminRequired.php, IUserSession.php.

namespace OCA\SIPCall\Controller;

use OCA\SIPCall\AppInfo\Application;
use OCA\SIPCall\Service\Access;
use OCA\SIPCall\Service\PhoneTabs;
use OCP\AppFramework\Controller;
use OCP\AppFramework\Http;
use OCP\AppFramework\Http\Attribute\NoAdminRequired;
use OCP\AppFramework\Http\JSONResponse;
use OCP\IRequest;
use OCP\IUserSession;

/**
 * PUT /api/v1/presence {"here": true|false}: the tab holding the phone says
 * so when it registers (and renews), and when it lets go; a missed call then
 * rang in that tab and needs no notification. CSRF-checked: only
 * Nextcloud's own pages can say it.
 */
final class PresenceController extends Controller {
	public function __construct(
		IRequest $request,
		private IUserSession $userSession,
		private Access $access,
		private PhoneTabs $tabs,
	) {
		parent::__construct(Application::APP_ID, $request);
	}

	#[NoAdminRequired]
	public function update(): JSONResponse {
		$user = $this->userSession->getUser();
		if ($user === null || $this->access->of($user) !== Access::ALLOWED) {
			return new JSONResponse(['message' => 'You are not allowed to use SIPCall'], Http::STATUS_FORBIDDEN);
		}
		$here = $this->request->getParam('here');
		if (!is_bool($here)) {
			return new JSONResponse(['message' => 'here must be true or false'], Http::STATUS_BAD_REQUEST);
		}
		$this->tabs->set($user->getUID(), $here);
		return new JSONResponse(['here' => $here]);
	}
}
