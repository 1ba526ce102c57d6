<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Each name is controller#method: page#index is PageController::index, and
// the route is sipcall.page.index for IURLGenerator::linkToRoute.
return [
	'routes' => [
		['name' => 'page#index', 'url' => '/', 'verb' => 'GET'],
		['name' => 'token#issue', 'url' => '/api/v1/token', 'verb' => 'GET'],
		['name' => 'settings#save', 'url' => '/api/v1/settings', 'verb' => 'PUT'],
		['name' => 'phone_state#status', 'url' => '/api/v1/status', 'verb' => 'PUT'],
		['name' => 'phone_state#presence', 'url' => '/api/v1/presence', 'verb' => 'PUT'],
		['name' => 'missed_call#notify', 'url' => '/api/v1/missed-call', 'verb' => 'POST'],
		['name' => 'settings#test', 'url' => '/api/v1/settings/test', 'verb' => 'POST'],
	],
];
