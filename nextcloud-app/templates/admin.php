<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Rendered by Settings\Admin. $_ holds its parameters, $l the app's IL10N; p()
// prints escaped (Nextcloud's template helpers).
/** @var array{url: string, secretSet: bool, groups: list<string>, saveUrl: string, testUrl: string} $_ */
/** @var \OCP\IL10N $l */
?>
<div id="sipcall-admin" class="section"
	data-save-url="<?php p($_['saveUrl']); ?>"
	data-test-url="<?php p($_['testUrl']); ?>">
	<h2><?php p($l->t('SIPCall')); ?></h2>
	<p class="settings-hint"><?php p($l->t('Phone from Nextcloud with SIPCall. SIPCall needs this instance as NEXTCLOUD_URL and the same shared secret as NEXTCLOUD_APP_SECRET.')); ?></p>
	<form id="sipcall-admin-form">
		<p>
			<label for="sipcall-url"><?php p($l->t('SIPCall address')); ?></label><br>
			<input type="url" id="sipcall-url" name="url" size="50" placeholder="https://phone.example.org"
				value="<?php p($_['url']); ?>">
		</p>
		<p>
			<label for="sipcall-secret"><?php p($l->t('Shared secret')); ?></label><br>
			<!-- Write-only: the saved secret never comes back to the browser. -->
			<input type="password" id="sipcall-secret" name="secret" size="50" autocomplete="new-password" minlength="32"
				placeholder="<?php p($_['secretSet'] ? $l->t('Saved; type a new one to replace it') : $l->t('At least 32 characters')); ?>">
		</p>
		<p>
			<label for="sipcall-groups"><?php p($l->t('Groups allowed to phone')); ?></label><br>
			<input type="text" id="sipcall-groups" name="groups" size="50" placeholder="<?php p($l->t('Group ids, separated by commas; empty for everyone')); ?>"
				value="<?php p(implode(', ', $_['groups'])); ?>">
		</p>
		<p>
			<button type="submit" class="primary"><?php p($l->t('Save')); ?></button>
			<button type="button" id="sipcall-test"><?php p($l->t('Test connection')); ?></button>
		</p>
		<p id="sipcall-admin-message" role="status" aria-live="polite"></p>
	</form>
</div>
