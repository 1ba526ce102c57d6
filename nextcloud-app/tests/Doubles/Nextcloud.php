<?php

declare(strict_types=1);

// A Nextcloud in memory for the app's code to run against: the app config,
// a user and their groups, the session, URLs on one base, a request, the
// user status manager recording what it was asked (Nextcloud keeps a backup
// on set and restores it on revert while the call status is still shown),
// and a crypto that round-trips (Nextcloud's encrypts; what matters here is
// that the app stores only what encrypt gave and reads it back through decrypt).

namespace OCA\SIPCall\Tests\Doubles;

use OCP\AppFramework\Services\IInitialState;
use OCP\IAppConfig;
use OCP\IConfig;
use OCP\IL10N;
use OCP\IUserManager;
use OCP\L10N\IFactory;
use OCP\Notification\IManager as INotificationManager;
use OCP\Notification\INotification;
use OCP\IGroupManager;
use OCP\IRequest;
use OCP\IURLGenerator;
use OCP\IUser;
use OCP\IUserSession;
use OCP\Security\ICrypto;
use OCP\UserStatus\IManager;

final class MemoryAppConfig implements IAppConfig {
	/** @var array<string, mixed> */
	public array $values = [];

	public function getValueString(string $app, string $key, string $default = '', bool $lazy = false): string {
		return is_string($this->values["$app.$key"] ?? null) ? $this->values["$app.$key"] : $default;
	}

	public function getValueArray(string $app, string $key, array $default = [], bool $lazy = false): array {
		return is_array($this->values["$app.$key"] ?? null) ? $this->values["$app.$key"] : $default;
	}

	public function setValueString(string $app, string $key, string $value, bool $lazy = false, bool $sensitive = false): bool {
		$this->values["$app.$key"] = $value;
		return true;
	}

	public function setValueArray(string $app, string $key, array $value, bool $lazy = false, bool $sensitive = false): bool {
		$this->values["$app.$key"] = $value;
		return true;
	}
}

final class ReversibleCrypto implements ICrypto {
	public function encrypt(string $plaintext, string $password = ''): string {
		return 'sealed:' . base64_encode($plaintext);
	}

	public function decrypt(string $authenticatedCiphertext, string $password = ''): string {
		if (!str_starts_with($authenticatedCiphertext, 'sealed:')) {
			throw new \Exception('HMAC does not match.');
		}
		return base64_decode(substr($authenticatedCiphertext, 7), true);
	}
}

final class User implements IUser {
	/** @param string[] $groups */
	public function __construct(
		private string $uid,
		private string $displayName,
		private ?string $email,
		public array $groups = [],
	) {
	}

	public function getUID() {
		return $this->uid;
	}

	public function getDisplayName() {
		return $this->displayName;
	}

	public function getEMailAddress() {
		return $this->email;
	}
}

final class UserSession implements IUserSession {
	public function __construct(public ?IUser $user) {
	}

	public function getUser() {
		return $this->user;
	}
}

final class GroupManager implements IGroupManager {
	public function getUserGroupIds(IUser $user): array {
		return $user instanceof User ? $user->groups : [];
	}
}

final class UrlGenerator implements IURLGenerator {
	/** @param array{routes?: list<array{name: string, url: string, verb?: string}>} $routes an app's appinfo/routes.php */
	public function __construct(
		private string $base,
		private string $app = 'sipcall',
		private array $routes = [],
	) {
	}

	/** As Nextcloud's router: <app>.<controller>.<method> to /index.php/apps/<app><url> by the app's routes.php. */
	public function linkToRoute(string $routeName, array $arguments = []): string {
		foreach ($this->routes['routes'] ?? [] as $route) {
			if ("{$this->app}." . str_replace('#', '.', $route['name']) === $routeName) {
				return "/index.php/apps/{$this->app}" . ($route['url'] === '/' ? '/' : $route['url']);
			}
		}
		throw new \RuntimeException("No route $routeName");
	}

	public function linkToRouteAbsolute(string $routeName, array $arguments = []): string {
		return $this->getAbsoluteURL($this->linkToRoute($routeName, $arguments));
	}

	public function imagePath(string $appName, string $file): string {
		return "/apps/$appName/img/$file";
	}

	public function getAbsoluteURL(string $url): string {
		return rtrim($this->base, '/') . '/' . ltrim($url, '/');
	}
}

final class Request implements IRequest {
	/** @param array<string, mixed> $params @param array<string, string> $headers */
	public function __construct(private array $params = [], private array $headers = []) {
	}

	public function getParam(string $key, $default = null) {
		return $this->params[$key] ?? $default;
	}

	public function getHeader(string $name): string {
		return $this->headers[strtolower($name)] ?? '';
	}
}

final class UserStatuses implements IManager {
	/** @var array<string, array{status: string, message: ?string}> */
	public array $shown = [];
	/** @var array<string, array{status: string, message: ?string}> */
	public array $backup = [];

	public function getUserStatuses(array $userIds): array {
		return [];
	}

	public function setUserStatus(string $userId, string $messageId, string $status, bool $createBackup = false, ?string $customMessage = null): void {
		if ($createBackup && !isset($this->backup[$userId])) {
			$this->backup[$userId] = $this->shown[$userId] ?? ['status' => 'online', 'message' => null];
		}
		$this->shown[$userId] = ['status' => $status, 'message' => $messageId];
	}

	public function revertUserStatus(string $userId, string $messageId, string $status): void {
		if (($this->shown[$userId]['message'] ?? null) !== $messageId || !isset($this->backup[$userId])) {
			return;
		}
		$this->shown[$userId] = $this->backup[$userId];
		unset($this->backup[$userId]);
	}

	public function revertMultipleUserStatus(array $userIds, string $messageId, string $status): void {
		foreach ($userIds as $userId) {
			$this->revertUserStatus($userId, $messageId, $status);
		}
	}
}

final class InitialState implements IInitialState {
	/** @var array<string, mixed> */
	public array $provided = [];

	public function provideInitialState(string $key, $data): void {
		$this->provided[$key] = $data;
	}
}

final class UserConfig implements IConfig {
	/** @var array<string, string> "<user>.<app>.<key>" => value */
	public array $values = [];

	public function setUserValue($userId, $appName, $key, $value, $preCondition = null) {
		$this->values["$userId.$appName.$key"] = (string) $value;
	}

	public function getUserValue($userId, $appName, $key, $default = '') {
		return $this->values["$userId.$appName.$key"] ?? $default;
	}
}

final class UserManager implements IUserManager {
	/** @param array<string, User> $users */
	public function __construct(public array $users = []) {
	}

	public function get($uid) {
		return $this->users[$uid] ?? null;
	}
}

/** English, as Nextcloud's IL10N gives it when no translation exists: %s replaced in order. */
final class English implements IL10N, IFactory {
	public function t(string $text, $parameters = []): string {
		return vsprintf($text, (array) $parameters);
	}

	public function get($app, $lang = null, $locale = null): IL10N {
		return $this;
	}
}

final class Notification implements INotification {
	public string $app = '';
	public string $user = '';
	public ?\DateTime $dateTime = null;
	public string $objectType = '';
	public string $objectId = '';
	public string $subject = '';
	public array $subjectParameters = [];
	public string $parsedSubject = '';
	public string $link = '';
	public string $icon = '';

	public function setApp(string $app): INotification { $this->app = $app; return $this; }
	public function getApp(): string { return $this->app; }
	public function setUser(string $user): INotification { $this->user = $user; return $this; }
	public function getUser(): string { return $this->user; }
	public function setDateTime(\DateTime $dateTime): INotification { $this->dateTime = $dateTime; return $this; }
	public function getDateTime(): \DateTime { return $this->dateTime ?? new \DateTime(); }
	public function setObject(string $type, string $id): INotification { $this->objectType = $type; $this->objectId = $id; return $this; }
	public function getObjectId(): string { return $this->objectId; }
	public function setSubject(string $subject, array $parameters = []): INotification { $this->subject = $subject; $this->subjectParameters = $parameters; return $this; }
	public function getSubject(): string { return $this->subject; }
	public function getSubjectParameters(): array { return $this->subjectParameters; }
	public function setParsedSubject(string $subject): INotification { $this->parsedSubject = $subject; return $this; }
	public function getParsedSubject(): string { return $this->parsedSubject; }
	public function setLink(string $link): INotification { $this->link = $link; return $this; }
	public function getLink(): string { return $this->link; }
	public function setIcon(string $icon): INotification { $this->icon = $icon; return $this; }
	public function getIcon(): string { return $this->icon; }
}

/** Nextcloud's notification manager: what notify() was given, in order. */
final class Notifications implements INotificationManager {
	/** @var list<INotification> */
	public array $sent = [];

	public function createNotification(): INotification {
		return new Notification();
	}

	public function notify(INotification $notification): void {
		$this->sent[] = $notification;
	}
}
