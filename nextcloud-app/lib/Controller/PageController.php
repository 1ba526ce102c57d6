<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: AppFramework/Controller.php,
// AppFramework/Http/Attribute/NoAdminRequired.php, NoCSRFRequired.php (a page
// opened from the navigation carries no request token),
// AppFramework/Http/TemplateResponse.php (__construct(appName, templateName, params)),
// IUserSession.php (getUser).

namespace OCA\SIPCall\Controller;

use OCA\SIPCall\AppInfo\Application;
use OCA\SIPCall\Service\Access;
use OCP\AppFramework\Controller;
use OCP\AppFramework\Http\Attribute\NoAdminRequired;
use OCP\AppFramework\Http\Attribute\NoCSRFRequired;
use OCP\AppFramework\Http\TemplateResponse;
use OCP\IRequest;
use OCP\IUserSession;

/**
 * The "Phone" page: an element the front end mounts into (the script comes
 * with every page, see LoadScript), or a sentence saying why there is none.
 * ?dial=<number> is read by the front end.
 */
final class PageController extends Controller {
	public function __construct(
		IRequest $request,
		private IUserSession $userSession,
		private Access $access,
	) {
		parent::__construct(Application::APP_ID, $request);
	}

	#[NoAdminRequired]
	#[NoCSRFRequired]
	public function index(): TemplateResponse {
		return new TemplateResponse(Application::APP_ID, 'main', [
			'access' => $this->access->of($this->userSession->getUser()),
		]);
	}
}
