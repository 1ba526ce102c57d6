<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: Notification/INotifier.php
// (getID, getName, prepare), Notification/INotification.php (getApp,
// getSubject, getSubjectParameters, setParsedSubject, setLink, setIcon),
// Notification/UnknownNotificationException.php (since 30),
// L10N/IFactory.php (get), IL10N.php (t), IURLGenerator.php
// (linkToRouteAbsolute, imagePath, getAbsoluteURL).

namespace OCA\SIPCall\Notification;

use OCA\SIPCall\AppInfo\Application;
use OCP\IURLGenerator;
use OCP\L10N\IFactory;
use OCP\Notification\INotification;
use OCP\Notification\INotifier;
use OCP\Notification\UnknownNotificationException;

/** "Missed call from +49 30 1234567", opening the Phone page ready to call back. */
final class Notifier implements INotifier {
	public function __construct(
		private IFactory $l10nFactory,
		private IURLGenerator $urlGenerator,
	) {
	}

	public function getID(): string {
		return Application::APP_ID;
	}

	public function getName(): string {
		return $this->l10nFactory->get(Application::APP_ID)->t('Phone');
	}

	public function prepare(INotification $notification, string $languageCode): INotification {
		if ($notification->getApp() !== Application::APP_ID || $notification->getSubject() !== 'missed_call') {
			throw new UnknownNotificationException();
		}
		$l = $this->l10nFactory->get(Application::APP_ID, $languageCode);
		$caller = (string) ($notification->getSubjectParameters()['caller'] ?? '');
		$notification->setParsedSubject($caller === '' ? $l->t('Missed call from an unknown number') : $l->t('Missed call from %s', [$caller]));
		$page = $this->urlGenerator->linkToRouteAbsolute('sipcall.page.index');
		$notification->setLink($caller === '' ? $page : $page . '?dial=' . rawurlencode($caller));
		$notification->setIcon($this->urlGenerator->getAbsoluteURL($this->urlGenerator->imagePath(Application::APP_ID, 'app-dark.svg')));
		return $notification;
	}
}
