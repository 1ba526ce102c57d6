<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: Security/CSP/AddContentSecurityPolicyEvent.php
// (addPolicy(EmptyContentSecurityPolicy)), AppFramework/Http/EmptyContentSecurityPolicy.php
// (addAllowedConnectDomain, addAllowedFrameDomain, addAllowedMediaDomain).

namespace OCA\SIPCall\Listener;

use OCA\SIPCall\Service\Settings;
use OCA\SIPCall\Service\SettingsValidator;
use OCP\AppFramework\Http\EmptyContentSecurityPolicy;
use OCP\EventDispatcher\Event;
use OCP\EventDispatcher\IEventListener;
use OCP\Security\CSP\AddContentSecurityPolicyEvent;

/**
 * Lets Nextcloud's pages talk to SIPCall and nothing more: its API and its
 * WebSocket (connect-src names wss:// apart from https://), its pages in a
 * frame, and its media (ring tones, recordings).
 *
 * @template-implements IEventListener<AddContentSecurityPolicyEvent>
 */
final class ContentSecurity implements IEventListener {
	public function __construct(
		private Settings $settings,
	) {
	}

	public function handle(Event $event): void {
		if (!$event instanceof AddContentSecurityPolicyEvent) {
			return;
		}
		$url = $this->settings->url();
		if ($url === '') {
			return;
		}
		$origin = SettingsValidator::origin($url);
		// An empty policy adds only these; Nextcloud merges it into every page's.
		$policy = new EmptyContentSecurityPolicy();
		$policy->addAllowedConnectDomain($origin);
		$policy->addAllowedConnectDomain(SettingsValidator::websocketOrigin($url));
		$policy->addAllowedFrameDomain($origin);
		$policy->addAllowedMediaDomain($origin);
		$event->addPolicy($policy);
	}
}
