<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Rendered by PageController::index. The front end (js/sipcall-main.mjs, added
// by LoadScript for those allowed) mounts into #sipcall; the sentences are
// for those it is not added for.
/** @var array{access: string} $_ */
/** @var \OCP\IL10N $l */
?>
<div id="app-content" role="main">
	<div id="sipcall" data-access="<?php p($_['access']); ?>">
		<?php if ($_['access'] === 'not_configured'): ?>
			<p class="sipcall-notice"><?php p($l->t('SIPCall is not configured yet: an administrator sets it up under Administration settings → SIPCall.')); ?></p>
		<?php elseif ($_['access'] === 'forbidden'): ?>
			<p class="sipcall-notice"><?php p($l->t('You are not allowed to use SIPCall. Ask your administrator to add you to a group that may phone.')); ?></p>
		<?php endif; ?>
	</div>
</div>
