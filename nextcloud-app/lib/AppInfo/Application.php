<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: AppFramework/App.php,
// AppFramework/Bootstrap/IBootstrap.php, IRegistrationContext.php
// (registerEventListener, registerNotifierService), IBootContext.php, and the three events'
// classes named below.

namespace OCA\SIPCall\AppInfo;

use OCA\SIPCall\Listener\ContentSecurity;
use OCA\SIPCall\Listener\FeaturePolicy;
use OCA\SIPCall\Listener\LoadScript;
use OCA\SIPCall\Notification\Notifier;
use OCP\AppFramework\App;
use OCP\AppFramework\Bootstrap\IBootContext;
use OCP\AppFramework\Bootstrap\IBootstrap;
use OCP\AppFramework\Bootstrap\IRegistrationContext;
use OCP\AppFramework\Http\Events\BeforeTemplateRenderedEvent;
use OCP\Security\CSP\AddContentSecurityPolicyEvent;
use OCP\Security\FeaturePolicy\AddFeaturePolicyEvent;

class Application extends App implements IBootstrap {
	public const APP_ID = 'sipcall';

	public function __construct(array $urlParams = []) {
		parent::__construct(self::APP_ID, $urlParams);
	}

	public function register(IRegistrationContext $context): void {
		// Listeners are built only when their event fires: nothing runs on requests that render no page.
		$context->registerEventListener(BeforeTemplateRenderedEvent::class, LoadScript::class);
		$context->registerEventListener(AddContentSecurityPolicyEvent::class, ContentSecurity::class);
		$context->registerEventListener(AddFeaturePolicyEvent::class, FeaturePolicy::class);
		// "Missed call from …" in Nextcloud's notifications (lib/Notification/Notifier.php).
		$context->registerNotifierService(Notifier::class);
	}

	public function boot(IBootContext $context): void {
		// Nothing: the listeners above do their work when a page is rendered.
	}
}
