<?php

declare(strict_types=1);

namespace OCA\SIPCall\Tests\Unit;

use OCA\SIPCall\Service\CallStatus;
use OCP\UserStatus\IManager;
use PHPUnit\Framework\TestCase;

/**
 * Nextcloud's status manager as lib/public documents it: setUserStatus with
 * a backup keeps the status from before; revertUserStatus restores it only
 * while the status shown is still that message (what this double records).
 */
final class CallStatusTest extends TestCase {
	public function testACallSetsNextcloudsInACallStatusKeepingTheOneBefore(): void {
		$manager = $this->createMock(IManager::class);
		$manager->expects($this->once())->method('setUserStatus')->with('alice', 'call', 'away', true, null);
		$manager->expects($this->never())->method('revertUserStatus');
		(new CallStatus($manager))->set('alice', true);
	}

	public function testTheEndOfTheCallRevertsToTheStatusFromBefore(): void {
		$manager = $this->createMock(IManager::class);
		$manager->expects($this->never())->method('setUserStatus');
		$manager->expects($this->once())->method('revertUserStatus')->with('alice', 'call', 'away');
		(new CallStatus($manager))->set('alice', false);
	}
}
