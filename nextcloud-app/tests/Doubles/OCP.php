<?php

declare(strict_types=1);

// Nextcloud's public interfaces and base classes the app's controllers and
// services type against, as nextcloud/server lib/public declares them
// (IAppConfig.php, Security/ICrypto.php, IGroupManager.php, IUser.php,
// IUserSession.php, IURLGenerator.php, IRequest.php, AppFramework/App.php,
// AppFramework/Bootstrap/{IBootstrap,IRegistrationContext,IBootContext}.php,
// AppFramework/Controller.php, AppFramework/Services/IInitialState.php,
// AppFramework/Http/Events/BeforeTemplateRenderedEvent.php,
// EventDispatcher/{Event,IEventListener}.php, Util.php (addScript, which here
// keeps what the page is to load),
// AppFramework/Http.php, AppFramework/Http/JSONResponse.php, IConfig.php,
// IUserManager.php, IL10N.php, L10N/IFactory.php, Notification/{IManager,
// INotification,INotifier,UnknownNotificationException}.php), reduced to the
// methods the app calls, with the same signatures. Loaded only where
// Nextcloud's own are not: the app's tests and the browser test's host page.

namespace OCP;

interface IAppConfig {
	public function getValueString(string $app, string $key, string $default = '', bool $lazy = false): string;

	public function getValueArray(string $app, string $key, array $default = [], bool $lazy = false): array;

	public function setValueString(string $app, string $key, string $value, bool $lazy = false, bool $sensitive = false): bool;

	public function setValueArray(string $app, string $key, array $value, bool $lazy = false, bool $sensitive = false): bool;
}

interface IUser {
	public function getUID();

	public function getDisplayName();

	public function getEMailAddress();
}

interface IUserSession {
	/** @return IUser|null */
	public function getUser();
}

interface IGroupManager {
	/** @return string[] */
	public function getUserGroupIds(IUser $user): array;
}

interface IURLGenerator {
	public function linkToRoute(string $routeName, array $arguments = []): string;

	public function linkToRouteAbsolute(string $routeName, array $arguments = []): string;

	public function imagePath(string $appName, string $file): string;

	public function getAbsoluteURL(string $url): string;
}

interface IConfig {
	public function setUserValue($userId, $appName, $key, $value, $preCondition = null);

	public function getUserValue($userId, $appName, $key, $default = '');
}

interface IUserManager {
	/** @return IUser|null */
	public function get($uid);
}

interface IL10N {
	public function t(string $text, $parameters = []): string;
}

class Util {
	/** @var list<array{app: string, file: string}> What addScript was asked to put on the page, in order. */
	public static array $scripts = [];

	public static function addScript(string $application, ?string $file = null, string $afterAppId = 'core', bool $prepend = false): void {
		self::$scripts[] = ['app' => $application, 'file' => $file ?? $application];
	}
}

interface IRequest {
	public function getParam(string $key, $default = null);

	public function getHeader(string $name): string;
}

namespace OCP\EventDispatcher;

class Event {
}

interface IEventListener {
	public function handle(Event $event): void;
}

namespace OCP\AppFramework\Services;

interface IInitialState {
	public function provideInitialState(string $key, $data): void;
}

namespace OCP\AppFramework\Http\Events;

use OCP\EventDispatcher\Event;

class BeforeTemplateRenderedEvent extends Event {
	public function __construct(private bool $loggedIn, private object $response) {
	}

	public function isLoggedIn(): bool {
		return $this->loggedIn;
	}

	public function getResponse(): object {
		return $this->response;
	}
}

namespace OCP\L10N;

use OCP\IL10N;

interface IFactory {
	public function get($app, $lang = null, $locale = null): IL10N;
}

namespace OCP\Notification;

class UnknownNotificationException extends \InvalidArgumentException {
}

interface INotification {
	public function setApp(string $app): INotification;

	public function getApp(): string;

	public function setUser(string $user): INotification;

	public function getUser(): string;

	public function setDateTime(\DateTime $dateTime): INotification;

	public function getDateTime(): \DateTime;

	public function setObject(string $type, string $id): INotification;

	public function getObjectId(): string;

	public function setSubject(string $subject, array $parameters = []): INotification;

	public function getSubject(): string;

	public function getSubjectParameters(): array;

	public function setParsedSubject(string $subject): INotification;

	public function getParsedSubject(): string;

	public function setLink(string $link): INotification;

	public function getLink(): string;

	public function setIcon(string $icon): INotification;

	public function getIcon(): string;
}

interface IManager {
	public function createNotification(): INotification;

	public function notify(INotification $notification): void;
}

interface INotifier {
	public function getID(): string;

	public function getName(): string;

	public function prepare(INotification $notification, string $languageCode): INotification;
}

namespace OCP\Security;

interface ICrypto {
	public function encrypt(string $plaintext, string $password = ''): string;

	public function decrypt(string $authenticatedCiphertext, string $password = ''): string;
}

namespace OCP\AppFramework\Bootstrap;

interface IRegistrationContext {
	public function registerEventListener(string $event, string $listener, int $priority = 0): void;
}

interface IBootContext {
}

interface IBootstrap {
	public function register(IRegistrationContext $context): void;

	public function boot(IBootContext $context): void;
}

namespace OCP\AppFramework;

use OCP\IRequest;

class App {
	public function __construct(string $appName, array $urlParams = []) {
	}
}

abstract class Controller {
	protected $appName;
	protected $request;

	public function __construct($appName, IRequest $request) {
		$this->appName = $appName;
		$this->request = $request;
	}
}

class Http {
	public const STATUS_OK = 200;
	public const STATUS_CREATED = 201;
	public const STATUS_BAD_REQUEST = 400;
	public const STATUS_UNAUTHORIZED = 401;
	public const STATUS_FORBIDDEN = 403;
	public const STATUS_PRECONDITION_FAILED = 412;
	public const STATUS_SERVICE_UNAVAILABLE = 503;
}

namespace OCP\AppFramework\Http;

use OCP\AppFramework\Http;

class JSONResponse {
	protected $data;
	private int $status;

	public function __construct($data = [], int $statusCode = Http::STATUS_OK, array $headers = []) {
		$this->data = $data;
		$this->status = $statusCode;
	}

	public function getData() {
		return $this->data;
	}

	public function getStatus(): int {
		return $this->status;
	}

	public function render(): string {
		return json_encode($this->data, JSON_HEX_TAG | JSON_THROW_ON_ERROR);
	}
}
