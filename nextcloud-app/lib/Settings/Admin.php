<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: Settings/ISettings.php (getForm,
// getSection, getPriority 0–100), AppFramework/Http/TemplateResponse.php
// (RENDER_AS_BLANK: the settings page wraps the form), Util.php (addScript),
// IURLGenerator.php (linkToRoute).

namespace OCA\SIPCall\Settings;

use OCA\SIPCall\AppInfo\Application;
use OCA\SIPCall\Controller\SettingsController;
use OCA\SIPCall\Service\Settings;
use OCP\AppFramework\Http\TemplateResponse;
use OCP\IURLGenerator;
use OCP\Settings\ISettings;
use OCP\Util;

/** The form in SIPCall's section: address, secret (write-only), groups, Save, Test connection. */
final class Admin implements ISettings {
	public function __construct(
		private Settings $settings,
		private IURLGenerator $urlGenerator,
	) {
	}

	public function getForm(): TemplateResponse {
		// js/admin.js: a few lines of plain JavaScript until the front end brings its own form.
		Util::addScript(Application::APP_ID, 'sipcall-admin');
		return new TemplateResponse(Application::APP_ID, 'admin', SettingsController::shown($this->settings) + [
			'saveUrl' => $this->urlGenerator->linkToRoute('sipcall.settings.save'),
			'testUrl' => $this->urlGenerator->linkToRoute('sipcall.settings.test'),
		], TemplateResponse::RENDER_AS_BLANK);
	}

	public function getSection(): string {
		return Application::APP_ID;
	}

	public function getPriority(): int {
		return 50;
	}
}
