<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: AppFramework/Http/Attribute/
// {PublicPage,NoCSRFRequired}.php, Notification/IManager.php
// (createNotification, notify), Notification/INotification.php (setApp,
// setUser, setDateTime, setObject, setSubject), IUserManager.php (get).

namespace OCA\SIPCall\Controller;

use DateTime;
use InvalidArgumentException;
use OCA\SIPCall\AppInfo\Application;
use OCA\SIPCall\Service\Access;
use OCA\SIPCall\Service\NoticeVerifier;
use OCA\SIPCall\Service\PhoneTabs;
use OCA\SIPCall\Service\Settings;
use OCP\AppFramework\Controller;
use OCP\AppFramework\Http;
use OCP\AppFramework\Http\Attribute\NoCSRFRequired;
use OCP\AppFramework\Http\Attribute\PublicPage;
use OCP\AppFramework\Http\JSONResponse;
use OCP\IRequest;
use OCP\IURLGenerator;
use OCP\IUserManager;
use OCP\Notification\IManager as INotificationManager;

/**
 * POST /api/v1/missed-call {"notice": "<JWT>"}: SIPCall says a call to one
 * of this instance's users went unanswered. Not a page of a signed-in user
 * (SIPCall calls it), so no session and no CSRF token: the notice's
 * signature with the shared secret is what lets it in. Unless a Nextcloud
 * tab held the user's phone (it rang there), a notification says
 * "Missed call from …".
 */
final class MissedCallController extends Controller {
	public function __construct(
		IRequest $request,
		private Settings $settings,
		private IURLGenerator $urlGenerator,
		private IUserManager $userManager,
		private Access $access,
		private PhoneTabs $tabs,
		private INotificationManager $notifications,
	) {
		parent::__construct(Application::APP_ID, $request);
	}

	#[PublicPage]
	#[NoCSRFRequired]
	public function notify(): JSONResponse {
		$secret = $this->settings->secret();
		$notice = $this->request->getParam('notice');
		if ($secret === null || $this->settings->url() === '') {
			return new JSONResponse(['message' => 'SIPCall is not configured here'], Http::STATUS_SERVICE_UNAVAILABLE);
		}
		if (!is_string($notice)) {
			return new JSONResponse(['message' => 'notice is required'], Http::STATUS_BAD_REQUEST);
		}
		try {
			$instance = rtrim($this->urlGenerator->getAbsoluteURL('/'), '/');
			$call = (new NoticeVerifier($this->settings->url(), $instance, $secret))->verify($notice);
		} catch (InvalidArgumentException $e) {
			return new JSONResponse(['message' => 'Notice refused: ' . $e->getMessage()], Http::STATUS_UNAUTHORIZED);
		}
		$user = $this->userManager->get($call['user']);
		if ($user === null || $this->access->of($user) !== Access::ALLOWED) {
			return new JSONResponse(['notified' => false, 'why' => 'no_such_user']);
		}
		if ($this->tabs->open($call['user'])) {
			return new JSONResponse(['notified' => false, 'why' => 'tab_open']);
		}
		$notification = $this->notifications->createNotification();
		$notification->setApp(Application::APP_ID)
			->setUser($call['user'])
			->setDateTime(new DateTime('@' . $call['at']))
			->setObject('call', $call['id'])
			->setSubject('missed_call', ['caller' => $call['caller']]);
		$this->notifications->notify($notification);
		return new JSONResponse(['notified' => true], Http::STATUS_CREATED);
	}
}
