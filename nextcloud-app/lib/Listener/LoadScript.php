<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: EventDispatcher/IEventListener.php,
// AppFramework/Http/Events/BeforeTemplateRenderedEvent.php (isLoggedIn),
// Util.php (addScript(string $application, ?string $file = null, ...)),
// AppFramework/Services/IInitialState.php (provideInitialState),
// IUserSession.php (getUser), IURLGenerator.php (linkToRoute).

namespace OCA\SIPCall\Listener;

use OCA\SIPCall\AppInfo\Application;
use OCA\SIPCall\Service\Access;
use OCA\SIPCall\Service\Settings;
use OCP\AppFramework\Http\Events\BeforeTemplateRenderedEvent;
use OCP\AppFramework\Services\IInitialState;
use OCP\EventDispatcher\Event;
use OCP\EventDispatcher\IEventListener;
use OCP\IURLGenerator;
use OCP\IUserSession;
use OCP\Util;

/**
 * The phone on every page of someone allowed to phone: the front end
 * (js/sipcall-main.mjs, a module script) and what it needs to find SIPCall and get a token.
 *
 * @template-implements IEventListener<BeforeTemplateRenderedEvent>
 */
final class LoadScript implements IEventListener {
	public function __construct(
		private IUserSession $userSession,
		private Access $access,
		private Settings $settings,
		private IInitialState $initialState,
		private IURLGenerator $urlGenerator,
	) {
	}

	public function handle(Event $event): void {
		if (!$event instanceof BeforeTemplateRenderedEvent || !$event->isLoggedIn()) {
			return;
		}
		if ($this->access->of($this->userSession->getUser()) !== Access::ALLOWED) {
			return;
		}
		// A release carries the built front end; a tree without it (an app built
		// before its phone was) must not have every page ask for a missing file.
		if (!is_file(__DIR__ . '/../../js/sipcall-main.mjs')) {
			return;
		}
		Util::addScript(Application::APP_ID, 'sipcall-main');
		$this->initialState->provideInitialState('config', [
			'sipcallUrl' => $this->settings->url(),
			'tokenUrl' => $this->urlGenerator->linkToRoute('sipcall.token.issue'),
			'pageUrl' => $this->urlGenerator->linkToRoute('sipcall.page.index'),
		]);
	}
}
