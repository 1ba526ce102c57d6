<?php

declare(strict_types=1);

// A Nextcloud for the browser test, served by `php -S` on loopback: pages as
// Nextcloud renders them for a signed-in user, with what SIPCall's app gets
// from Nextcloud, and the app's own PHP (from its release archive) answering
// its routes. Each piece says which part of Nextcloud it stands for:
// - the page: core/templates/layout.user.php (<head data-requesttoken>,
//   #header with .header-start and .header-end, #content) and
//   lib/private/Template/JSConfigHelper.php (window._oc_webroot, OC.config
//   with version and modRewriteWorking), the theme's CSS variables
//   (apps/theming; the web app's copy of Nextcloud's tokens); the initial state as
//   lib/private/InitialStateService.php puts it into the page
//   (<input type="hidden" id="initial-state-<app>-<key>" value="<base64 JSON>">);
//   scripts as Util::addScript queued them, .mjs as <script type="module">;
// - BeforeTemplateRenderedEvent fired for a logged-in page, handled by the
//   app's own LoadScript listener;
// - routes under /index.php/apps/sipcall/ by appinfo/routes.php, each
//   CSRF-checked as Nextcloud's CORS/CSRF middleware does (the requesttoken
//   header must be the session's, else 412) but for the one marked
//   #[PublicPage] #[NoCSRFRequired] (missed-call, which SIPCall calls);
// - Nextcloud's notifications (the notifications app keeps what
//   IManager::notify is given and shows it through the app's INotifier);
// - Talk (only on /index.php/apps/spreed/): window.OCA.Talk's two hooks as
//   spreed's src/init.js defines them, and a participant search and a message
//   menu that use them as Talk's components do (e2e/support/talk-double.js).
// Configuration comes from the environment: SIPCALL_APP_DIR (the extracted
// app), SIPCALL_APP_DOUBLES (the app's tests/Doubles), SIPCALL_HOST_STATE (a
// JSON file keeping users, settings and statuses between requests).

use OCA\SIPCall\Controller\PhoneStateController;
use OCA\SIPCall\Controller\MissedCallController;
use OCA\SIPCall\Notification\Notifier;
use OCA\SIPCall\Controller\TokenController;
use OCA\SIPCall\Listener\LoadScript;
use OCA\SIPCall\Service\Access;
use OCA\SIPCall\Service\CallStatus;
use OCA\SIPCall\Service\PhoneTabs;
use OCA\SIPCall\Service\Settings;
use OCA\SIPCall\Tests\Doubles\English;
use OCA\SIPCall\Tests\Doubles\GroupManager;
use OCA\SIPCall\Tests\Doubles\InitialState;
use OCA\SIPCall\Tests\Doubles\MemoryAppConfig;
use OCA\SIPCall\Tests\Doubles\Notifications;
use OCA\SIPCall\Tests\Doubles\Request;
use OCA\SIPCall\Tests\Doubles\ReversibleCrypto;
use OCA\SIPCall\Tests\Doubles\UrlGenerator;
use OCA\SIPCall\Tests\Doubles\User;
use OCA\SIPCall\Tests\Doubles\UserConfig;
use OCA\SIPCall\Tests\Doubles\UserManager;
use OCA\SIPCall\Tests\Doubles\UserSession;
use OCA\SIPCall\Tests\Doubles\UserStatuses;
use OCP\AppFramework\Http\Events\BeforeTemplateRenderedEvent;
use OCP\AppFramework\Http\JSONResponse;
use OCP\Util;

$appDir = rtrim((string) getenv('SIPCALL_APP_DIR'), '/');
$doubles = rtrim((string) getenv('SIPCALL_APP_DOUBLES'), '/');
$statePath = (string) getenv('SIPCALL_HOST_STATE');

spl_autoload_register(static function (string $class) use ($appDir): void {
	$prefix = 'OCA\\SIPCall\\';
	if (str_starts_with($class, $prefix)) {
		$file = $appDir . '/lib/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
		if (is_file($file)) {
			require $file;
		}
	}
});
require $doubles . '/OCP.php';
require $doubles . '/UserStatus.php';
require $doubles . '/Nextcloud.php';

$state = json_decode((string) file_get_contents($statePath), true, flags: JSON_THROW_ON_ERROR);
$save = static function () use (&$state, $statePath): void {
	file_put_contents($statePath, json_encode($state, JSON_PRETTY_PRINT | JSON_THROW_ON_ERROR), LOCK_EX);
};
$base = 'http://' . $_SERVER['HTTP_HOST'];
$path = (string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);

// The app's files, as Nextcloud serves apps/<app>/js/*.
if (preg_match('#^/apps/sipcall/js/([A-Za-z0-9._-]+\.mjs)$#', $path, $m) && is_file("$appDir/js/{$m[1]}")) {
	header('Content-Type: text/javascript; charset=utf-8');
	readfile("$appDir/js/{$m[1]}");
	return true;
}
// Nextcloud's design tokens, which a Nextcloud page carries (apps/theming's themes; the web app keeps a copy).
if ($path === '/nextcloud-tokens.css') {
	header('Content-Type: text/css; charset=utf-8');
	readfile(__DIR__ . '/../../src/styles/tokens.css');
	return true;
}
if ($path === '/talk-double.js') {
	header('Content-Type: text/javascript; charset=utf-8');
	readfile(__DIR__ . '/talk-double.js');
	return true;
}

// Signing in: the test picks the user (Nextcloud's login form is not what is tested).
if ($path === '/login') {
	$uid = (string) ($_GET['user'] ?? '');
	if (!isset($state['users'][$uid])) {
		http_response_code(404);
		return true;
	}
	setcookie('nc_session', $uid, ['path' => '/', 'httponly' => true, 'samesite' => 'Lax']);
	header('Location: ' . ($_GET['redirect_url'] ?? '/index.php/apps/files/'));
	http_response_code(303);
	return true;
}
$uid = $_COOKIE['nc_session'] ?? null;
$user = is_string($uid) && isset($state['users'][$uid])
	? new User($uid, $state['users'][$uid]['name'], $state['users'][$uid]['email'] ?? null, $state['users'][$uid]['groups'] ?? [])
	: null;
$requestToken = $user === null ? '' : hash_hmac('sha256', $user->getUID(), $state['hostSecret']);

$appConfig = new MemoryAppConfig();
$appConfig->values = $state['appConfig'] ?? [];
$groups = new GroupManager();
$settings = new Settings($appConfig, new ReversibleCrypto());
if (!isset($state['appConfig'])) {
	// The admin's Save, through the app's own settings code (checked and encrypted as there).
	$settings->save($state['admin']['url'], $state['admin']['secret'], $state['admin']['groups']);
	$state['appConfig'] = $appConfig->values;
	$save();
}
$access = new Access($settings, $groups);
$urls = new UrlGenerator($base, 'sipcall', require $appDir . '/appinfo/routes.php');
$userConfig = new UserConfig();
$userConfig->values = $state['userConfig'] ?? [];
$tabs = new PhoneTabs($userConfig);
$params = static function (): array {
	// Nextcloud's Request reads a JSON body into its parameters.
	$body = json_decode((string) file_get_contents('php://input'), true);
	return is_array($body) ? $body : [];
};

// SIPCall telling of a missed call: no session, no CSRF token (the notice is signed).
if ($path === '/index.php/apps/sipcall/api/v1/missed-call' && $_SERVER['REQUEST_METHOD'] === 'POST') {
	$users = new UserManager();
	foreach ($state['users'] as $id => $u) {
		$users->users[$id] = new User($id, $u['name'], $u['email'] ?? null, $u['groups'] ?? []);
	}
	$notifications = new Notifications();
	$response = (new MissedCallController(new Request($params()), $settings, $urls, $users, $access, $tabs, $notifications))->notify();
	$notifier = new Notifier(new English(), $urls);
	foreach ($notifications->sent as $n) {
		$notifier->prepare($n, 'en');
		$state['notifications'][] = ['user' => $n->getUser(), 'object' => $n->getObjectId(), 'subject' => $n->getParsedSubject(), 'link' => $n->getLink()];
	}
	$state['missedCallAnswers'][] = ['status' => $response->getStatus(), 'data' => $response->getData()];
	$save();
	http_response_code($response->getStatus());
	header('Content-Type: application/json; charset=utf-8');
	echo $response->render();
	return true;
}

$send = static function (JSONResponse $response): bool {
	http_response_code($response->getStatus());
	header('Content-Type: application/json; charset=utf-8');
	echo $response->render();
	return true;
};

// The app's routes (appinfo/routes.php), for a logged-in user with the page's request token.
if (preg_match('#^/index\.php/apps/sipcall/api/v1/(token|status|presence)$#', $path, $m)) {
	if ($user === null) {
		return $send(new JSONResponse(['message' => 'Current user is not logged in'], 401));
	}
	if (!hash_equals($requestToken, $_SERVER['HTTP_REQUESTTOKEN'] ?? '')) {
		return $send(new JSONResponse(['message' => 'CSRF check failed'], 412));
	}
	$session = new UserSession($user);
	if ($m[1] === 'token' && $_SERVER['REQUEST_METHOD'] === 'GET') {
		return $send((new TokenController(new Request(), $session, $groups, $urls, $settings, $access))->issue());
	}
	if ($m[1] === 'presence' && $_SERVER['REQUEST_METHOD'] === 'PUT') {
		$response = (new PhoneStateController(new Request($params()), $session, $access, new CallStatus(new UserStatuses()), $tabs))->presence();
		$state['userConfig'] = $userConfig->values;
		$save();
		return $send($response);
	}
	if ($m[1] === 'status' && $_SERVER['REQUEST_METHOD'] === 'PUT') {
		$params = $params();
		$statuses = new UserStatuses();
		$statuses->shown = $state['statuses']['shown'] ?? [];
		$statuses->backup = $state['statuses']['backup'] ?? [];
		$response = (new PhoneStateController(new Request($params), $session, $access, new CallStatus($statuses), $tabs))->status();
		$state['statuses'] = ['shown' => $statuses->shown, 'backup' => $statuses->backup];
		$state['statusLog'][] = ['user' => $user->getUID(), 'params' => $params, 'answer' => $response->getStatus(), 'shown' => $statuses->shown[$user->getUID()] ?? null];
		$save();
		return $send($response);
	}
	http_response_code(405);
	return true;
}

// A page of some app, as a logged-in user sees it.
if (!preg_match('#^/index\.php/apps/([a-z_]+)/$#', $path, $m)) {
	http_response_code(404);
	echo 'Not found';
	return true;
}
if ($user === null) {
	header('Location: /login?redirect_url=' . urlencode($path));
	http_response_code(303);
	return true;
}
$page = $m[1];
Util::$scripts = [];
$initialState = new InitialState();
(new LoadScript(new UserSession($user), $access, $settings, $initialState, $urls))->handle(new BeforeTemplateRenderedEvent(true, new stdClass()));

$h = static fn (string $s): string => htmlspecialchars($s, ENT_QUOTES);
$scripts = '';
foreach (Util::$scripts as $script) {
	$file = "/apps/{$script['app']}/js/{$script['file']}.mjs";
	$scripts .= '<script type="module" src="' . $h($file) . '"></script>' . "\n";
}
$states = '';
foreach ($initialState->provided as $key => $data) {
	$states .= '<input type="hidden" id="' . $h("initial-state-sipcall-$key") . '" value="' . $h(base64_encode(json_encode($data, JSON_THROW_ON_ERROR))) . '">' . "\n";
}
$talk = $page === 'spreed' ? '<script src="/talk-double.js"></script>' : '';
// The app's own page: its template as a TemplateResponse renders it ($_ the controller's parameters, $l the app's IL10N, p() to print escaped).
$content = '<h1>' . $h(['files' => 'Files', 'spreed' => 'Talk', 'mail' => 'Mail'][$page] ?? ucfirst($page)) . '</h1><div id="app-content"></div>';
if ($page === 'sipcall') {
	$render = static function (array $_, English $l) use ($appDir): string {
		if (!function_exists('p')) {
			function p($value): void {
				echo htmlspecialchars((string) $value, ENT_QUOTES);
			}
		}
		ob_start();
		require $appDir . '/templates/main.php';
		return (string) ob_get_clean();
	};
	$content = $render(['access' => $access->of($user)], new English());
}
$title = ['files' => 'Files', 'spreed' => 'Talk', 'mail' => 'Mail', 'sipcall' => 'Phone'][$page] ?? ucfirst($page);
header('Content-Type: text/html; charset=utf-8');
echo <<<HTML
<!DOCTYPE html>
<html lang="en" data-locale="en">
<head data-user="{$h($user->getUID())}" data-user-displayname="{$h($user->getDisplayName())}" data-requesttoken="{$h($requestToken)}">
<meta charset="utf-8">
<title>{$h($title)} - Nextcloud</title>
<link rel="stylesheet" href="/nextcloud-tokens.css">
<style>
  /* What core/css gives the header and the page, in short. */
  body { margin: 0; font-family: var(--font-face); font-size: var(--default-font-size); background: var(--color-main-background); color: var(--color-main-text); }
  #header { display: flex; justify-content: space-between; align-items: center; height: var(--header-height); padding: 0 8px; background: var(--color-primary); color: var(--color-primary-text); --color-background-plain-text: var(--color-primary-text); }
  #header .header-start, #header .header-end { display: flex; align-items: center; gap: 8px; }
  #header a { color: inherit; margin-inline-end: 12px; }
  #content { padding: 16px; }
</style>
<script>
  window._oc_webroot = '';
  // Nextcloud 31: the design tokens served beside are of its themes, so Nextcloud's components style themselves for it.
  window.OC = { webroot: '', config: { version: '31.0.9.1', modRewriteWorking: false } };
  window.OCA = window.OCA || {};
</script>
{$talk}
{$scripts}
</head>
<body id="body-user">
<header id="header">
  <div class="header-start"><a href="/index.php/apps/files/">Files</a><a href="/index.php/apps/spreed/">Talk</a><a href="/index.php/apps/mail/">Mail</a></div>
  <div class="header-end"><span class="user-menu">{$h($user->getDisplayName())}</span></div>
</header>
<main id="content">{$content}</main>
{$states}
</body>
</html>
HTML;
return true;
