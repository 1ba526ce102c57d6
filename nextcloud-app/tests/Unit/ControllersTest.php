<?php

declare(strict_types=1);

namespace OCA\SIPCall\Tests\Unit;

use OCA\SIPCall\Controller\PhoneStateController;
use OCA\SIPCall\Controller\TokenController;
use OCA\SIPCall\Service\Access;
use OCA\SIPCall\Service\CallStatus;
use OCA\SIPCall\Service\PhoneTabs;
use OCA\SIPCall\Service\Settings;
use OCA\SIPCall\Tests\Doubles\GroupManager;
use OCA\SIPCall\Tests\Doubles\MemoryAppConfig;
use OCA\SIPCall\Tests\Doubles\Request;
use OCA\SIPCall\Tests\Doubles\ReversibleCrypto;
use OCA\SIPCall\Tests\Doubles\UrlGenerator;
use OCA\SIPCall\Tests\Doubles\User;
use OCA\SIPCall\Tests\Doubles\UserConfig;
use OCA\SIPCall\Tests\Doubles\UserSession;
use OCA\SIPCall\Tests\Doubles\UserStatuses;
use PHPUnit\Framework\TestCase;

/**
 * The token and status endpoints, run against a Nextcloud in memory
 * (tests/Doubles): who gets an assertion, what it says, and the status a call
 * sets and reverts.
 */
final class ControllersTest extends TestCase {
	private const SECRET = 'nextcloud-app-shared-secret-for-tests-0123456789';

	private MemoryAppConfig $config;
	private Settings $settings;
	private GroupManager $groups;

	protected function setUp(): void {
		$this->config = new MemoryAppConfig();
		$this->settings = new Settings($this->config, new ReversibleCrypto());
		$this->groups = new GroupManager();
	}

	private function token(?User $user, array $headers = []): array {
		$controller = new TokenController(new Request([], $headers), new UserSession($user), $this->groups, new UrlGenerator('https://cloud.example.org/'), $this->settings, new Access($this->settings, $this->groups));
		$response = $controller->issue();
		return [$response->getStatus(), $response->getData()];
	}

	private static function claims(string $jwt): array {
		[, $payload] = explode('.', $jwt);
		return json_decode(base64_decode(strtr($payload, '-_', '+/')), true, flags: JSON_THROW_ON_ERROR);
	}

	public function testUntilConfiguredThereIsNoToken(): void {
		[$status, $data] = $this->token(new User('nora', 'Nora', 'nora@example.org'));
		$this->assertSame(503, $status);
		$this->assertSame('SIPCall is not configured yet: ask your administrator', $data['message']);
	}

	public function testAnAllowedUserGetsAOneMinuteAssertionNamingThem(): void {
		$this->settings->save('https://sipcall.example.org', self::SECRET, ['staff']);
		[$status, $data] = $this->token(new User('nora', 'Nora Nextcloud', 'nora@example.org', ['staff', 'admin']));
		$this->assertSame(200, $status);
		$this->assertSame(60, $data['expiresIn']);
		$claims = self::claims($data['assertion']);
		$this->assertSame(['https://cloud.example.org', 'https://sipcall.example.org', 'nora', 'Nora Nextcloud', 'nora@example.org', ['staff', 'admin']], [$claims['iss'], $claims['aud'], $claims['sub'], $claims['name'], $claims['email'], $claims['groups']]);
		$this->assertSame(60, $claims['exp'] - $claims['iat']);
		$this->assertNotSame($claims['jti'], self::claims($this->token(new User('nora', 'Nora Nextcloud', 'nora@example.org', ['staff']))[1]['assertion'])['jti']);
	}

	public function testSomeoneOutsideTheAllowedGroupsOrSignedOutGetsNone(): void {
		$this->settings->save('https://sipcall.example.org', self::SECRET, ['staff']);
		$this->assertSame(403, $this->token(new User('otto', 'Otto', null, ['guests']))[0]);
		$this->assertSame(403, $this->token(null)[0]);
	}

	public function testACallSetsInACallAndItsEndRestoresTheStatusBefore(): void {
		$this->settings->save('https://sipcall.example.org', self::SECRET, []);
		$statuses = new UserStatuses();
		$statuses->shown['nora'] = ['status' => 'dnd', 'message' => 'meeting'];
		$status = fn (mixed $inCall, ?User $user) => (new PhoneStateController(new Request(['inCall' => $inCall]), new UserSession($user), new Access($this->settings, $this->groups), new CallStatus($statuses), new PhoneTabs(new UserConfig())))->status();
		$nora = new User('nora', 'Nora', null);
		$this->assertSame(200, $status(true, $nora)->getStatus());
		$this->assertSame(['status' => 'away', 'message' => 'call'], $statuses->shown['nora']);
		$this->assertSame(200, $status(false, $nora)->getStatus());
		$this->assertSame(['status' => 'dnd', 'message' => 'meeting'], $statuses->shown['nora']);
	}

	public function testAStatusRequestWithoutTrueOrFalseIsRefusedAndChangesNothing(): void {
		$this->settings->save('https://sipcall.example.org', self::SECRET, []);
		$statuses = new UserStatuses();
		foreach (['yes', 1, null] as $bad) {
			$response = (new PhoneStateController(new Request(['inCall' => $bad]), new UserSession(new User('nora', 'Nora', null)), new Access($this->settings, $this->groups), new CallStatus($statuses), new PhoneTabs(new UserConfig())))->status();
			$this->assertSame(400, $response->getStatus());
		}
		$this->assertSame([], $statuses->shown);
		$signedOut = (new PhoneStateController(new Request(['inCall' => true]), new UserSession(null), new Access($this->settings, $this->groups), new CallStatus($statuses), new PhoneTabs(new UserConfig())))->status();
		$this->assertSame(403, $signedOut->getStatus());
		$this->assertSame([], $statuses->shown);
	}

	public function testThePageFindsTheTokenAndPageRoutesByTheNamesLoadScriptUses(): void {
		$urls = new UrlGenerator('https://cloud.example.org', 'sipcall', require __DIR__ . '/../../appinfo/routes.php');
		$this->assertSame('/index.php/apps/sipcall/api/v1/token', $urls->linkToRoute('sipcall.token.issue'));
		$this->assertSame('/index.php/apps/sipcall/', $urls->linkToRoute('sipcall.page.index'));
		$this->assertSame('/index.php/apps/sipcall/api/v1/status', $urls->linkToRoute('sipcall.phone_state.status'));
	}
}
