<?php

declare(strict_types=1);

/**
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */

// Checked against nextcloud/server lib/public: AppFramework/Controller.php
// (admin only: no NoAdminRequired attribute; CSRF checked),
// AppFramework/Http/JSONResponse.php, AppFramework/Http.php (STATUS_BAD_REQUEST),
// IRequest.php (getParam), IGroupManager.php (groupExists),
// Http/Client/IClientService.php (newClient), Http/Client/IClient.php (get, its
// allow_redirects option, getResponseFromThrowable since 29),
// Http/Client/IResponse.php (getStatusCode, getBody: string|resource),
// Http/Client/LocalServerException.php.
// Not in lib/public: the 'timeout' option is Guzzle's, which Nextcloud's client
// passes on (IClient's docblock lists options "such as", timeout is not among them).

namespace OCA\SIPCall\Controller;

use InvalidArgumentException;
use OCA\SIPCall\AppInfo\Application;
use OCA\SIPCall\Service\ReadinessVerdict;
use OCA\SIPCall\Service\Settings;
use OCA\SIPCall\Service\SettingsValidator;
use OCP\AppFramework\Controller;
use OCP\AppFramework\Http;
use OCP\AppFramework\Http\JSONResponse;
use OCP\Http\Client\IClientService;
use OCP\Http\Client\LocalServerException;
use OCP\IGroupManager;
use OCP\IRequest;

/**
 * The admin's settings: save (everything checked first, nothing saved when
 * anything is wrong) and "Test connection" (GET <SIPCall>/readyz from this
 * server, told in words).
 */
final class SettingsController extends Controller {
	private const TIMEOUT_SECONDS = 5;
	private const MAX_BODY_BYTES = 65536;

	public function __construct(
		IRequest $request,
		private Settings $settings,
		private IGroupManager $groupManager,
		private IClientService $clientService,
	) {
		parent::__construct(Application::APP_ID, $request);
	}

	/** PUT /api/v1/settings { url, secret?, groups }: a missing or empty secret keeps the saved one. */
	public function save(): JSONResponse {
		try {
			$url = SettingsValidator::url(self::string($this->request->getParam('url', ''), 'The SIPCall address'));
			$secret = self::string($this->request->getParam('secret', ''), 'The shared secret');
			$secret = $secret === '' ? null : SettingsValidator::secret($secret);
			$groups = SettingsValidator::groups(
				$this->request->getParam('groups', []),
				fn (string $gid): bool => (bool)$this->groupManager->groupExists($gid),
			);
		} catch (InvalidArgumentException $e) {
			return new JSONResponse(['message' => $e->getMessage()], Http::STATUS_BAD_REQUEST);
		}
		$this->settings->save($url, $secret, $groups);
		return new JSONResponse(self::shown($this->settings));
	}

	/** POST /api/v1/settings/test { url? }: the address in the form, else the saved one. */
	public function test(): JSONResponse {
		try {
			$given = self::string($this->request->getParam('url', ''), 'The SIPCall address');
			$url = SettingsValidator::url($given !== '' ? $given : $this->settings->url());
		} catch (InvalidArgumentException $e) {
			return new JSONResponse(['message' => $e->getMessage()], Http::STATUS_BAD_REQUEST);
		}
		if ($url === '') {
			return new JSONResponse(['message' => 'Enter the SIPCall address first'], Http::STATUS_BAD_REQUEST);
		}
		$client = $this->clientService->newClient();
		try {
			$response = $client->get($url . '/readyz', [
				'timeout' => self::TIMEOUT_SECONDS,
				// A redirect is not SIPCall's readiness answer: say so rather than follow it.
				'allow_redirects' => false,
				'headers' => ['Accept' => 'application/json'],
			]);
		} catch (LocalServerException) {
			return new JSONResponse(['ok' => false, 'status' => ReadinessVerdict::UNREACHABLE,
				'message' => 'This Nextcloud refuses to connect to local addresses: set allow_local_remote_servers in config.php, or use SIPCall\'s public address']);
		} catch (\Throwable $e) {
			try {
				// 4xx and 5xx arrive as exceptions; /readyz answers 503 when not ready.
				$response = $client->getResponseFromThrowable($e);
			} catch (\Throwable) {
				return new JSONResponse(ReadinessVerdict::fromFailure($e));
			}
		}
		return new JSONResponse(ReadinessVerdict::fromResponse($response->getStatusCode(), self::body($response->getBody())));
	}

	/** @return array{url: string, secretSet: bool, groups: list<string>} what the form shows: never the secret */
	public static function shown(Settings $settings): array {
		return ['url' => $settings->url(), 'secretSet' => $settings->hasSecret(), 'groups' => $settings->groups()];
	}

	private static function string(mixed $value, string $what): string {
		if ($value === null) {
			return '';
		}
		if (!is_string($value)) {
			throw new InvalidArgumentException("$what must be text");
		}
		return $value;
	}

	/** @param string|resource $body */
	private static function body(mixed $body): string {
		if (is_resource($body)) {
			return (string)stream_get_contents($body, self::MAX_BODY_BYTES);
		}
		return substr((string)$body, 0, self::MAX_BODY_BYTES);
	}
}
