<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: Contacts/ContactsMenu/IProvider.php
// (process(IEntry)), IEntry.php (getProperty: the value or null; its shape is
// set by the address book, see PhoneNumbers), IActionFactory.php
// (newLinkAction(icon, name, href, appId): ILinkAction), IAction.php,
// IEntry::addAction, IURLGenerator.php (linkToRouteAbsolute, imagePath,
// getAbsoluteURL), IL10N.php (t), IUserSession.php (getUser).

namespace OCA\SIPCall\ContactsMenu;

use OCA\SIPCall\AppInfo\Application;
use OCA\SIPCall\Service\Access;
use OCA\SIPCall\Service\PhoneNumbers;
use OCP\Contacts\ContactsMenu\IActionFactory;
use OCP\Contacts\ContactsMenu\IEntry;
use OCP\Contacts\ContactsMenu\IProvider;
use OCP\IL10N;
use OCP\IURLGenerator;
use OCP\IUserSession;

/**
 * "Call <number> with SIPCall" in the contacts menu, for each of the
 * contact's numbers: a link to the Phone page, whose front end dials it.
 * Only for people who may phone, so nobody is sent to a page that refuses them.
 */
final class CallProvider implements IProvider {
	public function __construct(
		private IActionFactory $actionFactory,
		private IURLGenerator $urlGenerator,
		private IL10N $l,
		private IUserSession $userSession,
		private Access $access,
	) {
	}

	public function process(IEntry $entry): void {
		$numbers = PhoneNumbers::fromProperty($entry->getProperty('TEL'));
		if ($numbers === [] || $this->access->of($this->userSession->getUser()) !== Access::ALLOWED) {
			return;
		}
		$icon = $this->urlGenerator->getAbsoluteURL($this->urlGenerator->imagePath(Application::APP_ID, 'app-dark.svg'));
		$page = $this->urlGenerator->linkToRouteAbsolute('sipcall.page.index');
		foreach ($numbers as $number) {
			$href = $page . '?' . http_build_query(['dial' => $number], '', '&', PHP_QUERY_RFC3986);
			$entry->addAction($this->actionFactory->newLinkAction($icon, $this->l->t('Call %s with SIPCall', [$number]), $href, Application::APP_ID));
		}
	}
}
