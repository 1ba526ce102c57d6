<?php

declare(strict_types=1);

namespace OCA\SIPCall\Tests\Unit;

use OCA\SIPCall\Controller\PhoneStateController;
use OCA\SIPCall\Controller\MissedCallController;
use OCA\SIPCall\Notification\Notifier;
use OCA\SIPCall\Service\Access;
use OCA\SIPCall\Service\CallStatus;
use OCA\SIPCall\Service\NoticeVerifier;
use OCA\SIPCall\Service\PhoneTabs;
use OCA\SIPCall\Service\Settings;
use OCA\SIPCall\Tests\Doubles\English;
use OCA\SIPCall\Tests\Doubles\GroupManager;
use OCA\SIPCall\Tests\Doubles\MemoryAppConfig;
use OCA\SIPCall\Tests\Doubles\Notification;
use OCA\SIPCall\Tests\Doubles\Notifications;
use OCA\SIPCall\Tests\Doubles\Request;
use OCA\SIPCall\Tests\Doubles\ReversibleCrypto;
use OCA\SIPCall\Tests\Doubles\UrlGenerator;
use OCA\SIPCall\Tests\Doubles\User;
use OCA\SIPCall\Tests\Doubles\UserConfig;
use OCA\SIPCall\Tests\Doubles\UserManager;
use OCA\SIPCall\Tests\Doubles\UserSession;
use OCA\SIPCall\Tests\Doubles\UserStatuses;
use OCP\Notification\UnknownNotificationException;
use PHPUnit\Framework\TestCase;

/**
 * A missed call told by SIPCall: the notice checked (signature, sender,
 * addressee, lifetime), then "Missed call from …" in Nextcloud's
 * notifications for its user, unless a tab held their phone.
 */
final class MissedCallTest extends TestCase {
	private const SECRET = 'nextcloud-app-shared-secret-for-tests-0123456789';
	private const SIPCALL = 'https://sipcall.example.org';
	private const CLOUD = 'https://cloud.example.org';

	private Settings $settings;
	private UserConfig $userConfig;
	private Notifications $notifications;
	private GroupManager $groups;

	protected function setUp(): void {
		$this->settings = new Settings(new MemoryAppConfig(), new ReversibleCrypto());
		$this->settings->save(self::SIPCALL, self::SECRET, ['staff']);
		$this->userConfig = new UserConfig();
		$this->notifications = new Notifications();
		$this->groups = new GroupManager();
	}

	/** A notice as SIPCall signs one (backend/src/nextcloud/missed-calls.ts). */
	private static function notice(array $override = [], string $secret = self::SECRET): string {
		$now = time();
		$claims = array_merge(['iss' => self::SIPCALL, 'aud' => self::CLOUD, 'sub' => 'nora', 'caller' => '+49301234567', 'at' => $now - 40, 'iat' => $now, 'exp' => $now + 300, 'jti' => '0b7d5f8e-1c2a-4e6b-9f3d-2a1b0c9d8e7f'], $override);
		$b64 = static fn (string $s): string => rtrim(strtr(base64_encode($s), '+/', '-_'), '=');
		$head = $b64(json_encode(['alg' => 'HS256', 'typ' => 'JWT']));
		$body = $b64(json_encode(array_filter($claims, static fn ($v) => $v !== null)));
		return "$head.$body." . $b64(hash_hmac('sha256', "$head.$body", $secret, true));
	}

	private function post(mixed $notice): array {
		$users = new UserManager(['nora' => new User('nora', 'Nora', null, ['staff']), 'otto' => new User('otto', 'Otto', null, ['guests'])]);
		$controller = new MissedCallController(new Request(['notice' => $notice]), $this->settings, new UrlGenerator(self::CLOUD . '/'), $users, new Access($this->settings, $this->groups), new PhoneTabs($this->userConfig), $this->notifications);
		$response = $controller->notify();
		return [$response->getStatus(), $response->getData()];
	}

	public function testAMissedCallBecomesANotificationForItsUser(): void {
		[$status, $data] = $this->post(self::notice());
		$this->assertSame([201, ['notified' => true]], [$status, $data]);
		$this->assertCount(1, $this->notifications->sent);
		$n = $this->notifications->sent[0];
		$this->assertSame(['sipcall', 'nora', 'call', '0b7d5f8e-1c2a-4e6b-9f3d-2a1b0c9d8e7f', 'missed_call', ['caller' => '+49301234567']], [$n->app, $n->user, $n->objectType, $n->objectId, $n->subject, $n->subjectParameters]);
		$this->assertEqualsWithDelta(time() - 40, $n->getDateTime()->getTimestamp(), 2);
	}

	public function testNoNotificationWhileATabHeldThePhoneItRangIn(): void {
		$presence = new PhoneStateController(new Request(['here' => true]), new UserSession(new User('nora', 'Nora', null, ['staff'])), new Access($this->settings, $this->groups), new CallStatus(new UserStatuses()), new PhoneTabs($this->userConfig));
		$this->assertSame(200, $presence->presence()->getStatus());
		$this->assertSame([200, ['notified' => false, 'why' => 'tab_open']], $this->post(self::notice()));
		(new PhoneStateController(new Request(['here' => false]), new UserSession(new User('nora', 'Nora', null, ['staff'])), new Access($this->settings, $this->groups), new CallStatus(new UserStatuses()), new PhoneTabs($this->userConfig)))->presence();
		$this->assertSame(201, $this->post(self::notice())[0]);
	}

	public function testATabThatVanishedCountsOnlyAsLongAsItsRegistrationWould(): void {
		$then = time() - PhoneTabs::HELD_FOR - 1;
		(new PhoneTabs($this->userConfig, static fn (): int => $then))->set('nora', true);
		$this->assertTrue((new PhoneTabs($this->userConfig, static fn (): int => $then + 10))->open('nora'));
		$this->assertFalse((new PhoneTabs($this->userConfig))->open('nora'));
	}

	public function testAForgedStaleOrMisaddressedNoticeIsRefusedAndNotifiesNobody(): void {
		foreach ([
			self::notice([], 'another-secret-of-enough-length-0123456789'),
			self::notice(['iss' => 'https://other-sipcall.example.org']),
			self::notice(['aud' => 'https://other-cloud.example.org']),
			self::notice(['iat' => time() - 1000, 'exp' => time() - 700]),
			self::notice(['exp' => time() + 3600]),
			self::notice(['sub' => null]),
			'not.a.jwt',
		] as $bad) {
			$this->assertSame(401, $this->post($bad)[0]);
		}
		$this->assertSame(400, $this->post(null)[0]);
		$this->assertSame([], $this->notifications->sent);
	}

	public function testNobodyIsNotifiedWhoCannotPhoneOrDoesNotExist(): void {
		$this->assertSame([200, ['notified' => false, 'why' => 'no_such_user']], $this->post(self::notice(['sub' => 'otto'])));
		$this->assertSame([200, ['notified' => false, 'why' => 'no_such_user']], $this->post(self::notice(['sub' => 'ghost'])));
		$this->assertSame([], $this->notifications->sent);
	}

	public function testTheNotificationReadsMissedCallFromTheCallerAndOpensThePhoneToCallBack(): void {
		$urls = new UrlGenerator(self::CLOUD, 'sipcall', require __DIR__ . '/../../appinfo/routes.php');
		$notifier = new Notifier(new English(), $urls);
		$n = (new Notification())->setApp('sipcall')->setUser('nora')->setSubject('missed_call', ['caller' => '+49301234567']);
		$notifier->prepare($n, 'en');
		$this->assertSame('Missed call from +49301234567', $n->getParsedSubject());
		$this->assertSame(self::CLOUD . '/index.php/apps/sipcall/?dial=%2B49301234567', $n->getLink());
		$this->expectException(UnknownNotificationException::class);
		$notifier->prepare((new Notification())->setApp('spreed')->setSubject('call'), 'en');
	}

	public function testTheVerifierSaysWhatIsWrong(): void {
		$verifier = new NoticeVerifier(self::SIPCALL, self::CLOUD, self::SECRET);
		$this->assertSame(['user' => 'nora', 'caller' => '+49301234567', 'at' => time() - 40, 'id' => '0b7d5f8e-1c2a-4e6b-9f3d-2a1b0c9d8e7f'], $verifier->verify(self::notice()));
		$this->expectExceptionMessage('for another Nextcloud');
		$verifier->verify(self::notice(['aud' => 'https://other-cloud.example.org']));
	}
}
