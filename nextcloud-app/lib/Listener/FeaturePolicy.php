<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: Security/FeaturePolicy/AddFeaturePolicyEvent.php
// (addPolicy(EmptyFeaturePolicy) — still this class, though EmptyFeaturePolicy is
// deprecated since 28 for EmptyPermissionPolicy, which the event does not take),
// AppFramework/Http/EmptyFeaturePolicy.php (addAllowedMicrophoneDomain,
// addAllowedCameraDomain), AppFramework/Http/FeaturePolicy.php (the defaults:
// no microphone, no camera, not even for 'self').

namespace OCA\SIPCall\Listener;

use OCA\SIPCall\Service\Settings;
use OCA\SIPCall\Service\SettingsValidator;
use OCP\AppFramework\Http\EmptyFeaturePolicy;
use OCP\EventDispatcher\Event;
use OCP\EventDispatcher\IEventListener;
use OCP\Security\FeaturePolicy\AddFeaturePolicyEvent;

/**
 * Microphone and camera for calls. The phone's script runs in Nextcloud's
 * own page, so 'self' needs them as well as SIPCall's origin (for its pages
 * in a frame); the browser still asks the person before either is used.
 *
 * @template-implements IEventListener<AddFeaturePolicyEvent>
 */
final class FeaturePolicy implements IEventListener {
	public function __construct(
		private Settings $settings,
	) {
	}

	public function handle(Event $event): void {
		if (!$event instanceof AddFeaturePolicyEvent) {
			return;
		}
		$url = $this->settings->url();
		if ($url === '') {
			return;
		}
		$origin = SettingsValidator::origin($url);
		$policy = new EmptyFeaturePolicy();
		foreach (["'self'", $origin] as $domain) {
			$policy->addAllowedMicrophoneDomain($domain);
			$policy->addAllowedCameraDomain($domain);
		}
		$event->addPolicy($policy);
	}
}
