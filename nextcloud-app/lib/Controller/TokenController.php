<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: AppFramework/Controller.php,
// AppFramework/Http/Attribute/NoAdminRequired.php (no NoCSRFRequired: the
// request token is checked), AppFramework/Http/JSONResponse.php,
// AppFramework/Http.php (STATUS_FORBIDDEN, STATUS_SERVICE_UNAVAILABLE),
// AppFramework/Http/Response.php (Cache-Control is no-store unless set),
// IRequest.php, IUserSession.php (getUser), IUser.php (getUID,
// getDisplayName, getEMailAddress), IGroupManager.php (getUserGroupIds),
// IURLGenerator.php (getAbsoluteURL).

namespace OCA\SIPCall\Controller;

use InvalidArgumentException;
use OCA\SIPCall\AppInfo\Application;
use OCA\SIPCall\Service\Access;
use OCA\SIPCall\Service\AssertionSigner;
use OCA\SIPCall\Service\Settings;
use OCP\AppFramework\Controller;
use OCP\AppFramework\Http;
use OCP\AppFramework\Http\Attribute\NoAdminRequired;
use OCP\AppFramework\Http\JSONResponse;
use OCP\IGroupManager;
use OCP\IRequest;
use OCP\IURLGenerator;
use OCP\IUserSession;

/**
 * GET /api/v1/token: an assertion the signed-in user's browser exchanges at
 * SIPCall for a SIPCall session. Only from Nextcloud's own pages (the CSRF
 * token is required), so another site cannot fetch one for the user.
 */
final class TokenController extends Controller {
	private const LIFETIME = 60;

	public function __construct(
		IRequest $request,
		private IUserSession $userSession,
		private IGroupManager $groupManager,
		private IURLGenerator $urlGenerator,
		private Settings $settings,
		private Access $access,
	) {
		parent::__construct(Application::APP_ID, $request);
	}

	#[NoAdminRequired]
	public function issue(): JSONResponse {
		$user = $this->userSession->getUser();
		$access = $this->access->of($user);
		if ($user === null || $access === Access::FORBIDDEN) {
			return new JSONResponse(['message' => 'You are not allowed to use SIPCall'], Http::STATUS_FORBIDDEN);
		}
		$secret = $this->settings->secret();
		if ($access === Access::NOT_CONFIGURED || $secret === null) {
			return new JSONResponse(['message' => 'SIPCall is not configured yet: ask your administrator'], Http::STATUS_SERVICE_UNAVAILABLE);
		}
		try {
			// This instance as SIPCall knows it (NEXTCLOUD_URL): the absolute root, no trailing slash.
			$issuer = rtrim($this->urlGenerator->getAbsoluteURL('/'), '/');
			$signer = new AssertionSigner($issuer, $this->settings->url(), $secret);
			$email = $user->getEMailAddress();
			$assertion = $signer->sign(
				$user->getUID(),
				$user->getDisplayName(),
				is_string($email) ? $email : null,
				$this->groupManager->getUserGroupIds($user),
				self::LIFETIME,
			);
		} catch (InvalidArgumentException) {
			// Saved settings SIPCall would refuse anyway (a secret saved before the length rule).
			return new JSONResponse(['message' => 'SIPCall is not configured correctly: ask your administrator'], Http::STATUS_SERVICE_UNAVAILABLE);
		}
		return new JSONResponse(['assertion' => $assertion, 'expiresIn' => self::LIFETIME]);
	}
}
