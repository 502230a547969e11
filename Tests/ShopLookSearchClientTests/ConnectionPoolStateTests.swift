import Testing

@testable import ShopLookSearchClient

struct ConnectionPoolStateTests {
    @Test func reusesTheWarmestIdleConnectionAndOpensWhenNoneIsIdle() throws {
        var pool = ConnectionPoolState<String>(maximumIdlePerOwner: 2)
        guard case .open(let first) = pool.lease(owner: "a") else { Issue.record("expected open"); return }
        let registered1 = pool.opened(id: first, owner: "a", "c1")
        #expect(registered1)
        guard case .open(let second) = pool.lease(owner: "a") else { Issue.record("expected open while c1 is leased"); return }
        let registered2 = pool.opened(id: second, owner: "a", "c2")
        #expect(registered2)
        let mustClose1 = pool.release(id: first, reusable: true)
        #expect(mustClose1 == false)
        let mustClose2 = pool.release(id: second, reusable: true)
        #expect(mustClose2 == false)
        #expect(pool.statistics == (2, 2, 0))
        guard case .use(let id, let connection) = pool.lease(owner: "a") else { Issue.record("expected reuse"); return }
        #expect(id == second && connection == "c2")
        guard case .open = pool.lease(owner: "b") else { Issue.record("owners do not share connections"); return }
        guard case .open = pool.lease(owner: "a", fresh: true) else { Issue.record("fresh skips idle ones"); return }
    }

    @Test func closesWhatIsNotReusableOrBeyondTheIdleLimit() {
        var pool = ConnectionPoolState<String>(maximumIdlePerOwner: 1)
        var ids: [Int] = []
        for name in ["c1", "c2", "c3"] {
            guard case .open(let id) = pool.lease(owner: "a") else { Issue.record("expected open"); return }
            let registered3 = pool.opened(id: id, owner: "a", name)
            #expect(registered3)
            ids.append(id)
        }
        let mustClose3 = pool.release(id: ids[0], reusable: false)
        #expect(mustClose3 == true)
        let mustClose4 = pool.release(id: ids[1], reusable: true)
        #expect(mustClose4 == false)
        let mustClose5 = pool.release(id: ids[2], reusable: true)
        #expect(mustClose5 == true)
        #expect(pool.statistics == (1, 1, 0))
        pool.closed(id: ids[1])
        #expect(pool.statistics == (0, 0, 0))
        guard case .open = pool.lease(owner: "a") else { Issue.record("a closed connection is not reused"); return }
    }

    @Test func shutdownHandsOutEveryConnectionAndFailsLeases() {
        var pool = ConnectionPoolState<String>(maximumIdlePerOwner: 4)
        guard case .open(let idle) = pool.lease(owner: "a"), pool.opened(id: idle, owner: "a", "idle") else { return }
        guard case .open(let leased) = pool.lease(owner: "a"), pool.opened(id: leased, owner: "a", "leased") else { return }
        guard case .open(let opening) = pool.lease(owner: "b") else { return }
        _ = pool.release(id: idle, reusable: true)
        #expect(Set(pool.shutdown()) == ["idle", "leased"])
        let registered4 = pool.opened(id: opening, owner: "b", "late")
        #expect(registered4 == false)
        let mustClose6 = pool.release(id: leased, reusable: true)
        #expect(mustClose6 == true)
        guard case .fail = pool.lease(owner: "a") else { Issue.record("expected fail after shutdown"); return }
    }

    @Test func parsesOwnerAddresses() throws {
        let v4 = try OwnerAddress("127.0.0.1:9501")
        #expect(v4.host == "127.0.0.1" && v4.port == 9501)
        let v6 = try OwnerAddress("[::1]:80")
        #expect(v6.host == "::1" && v6.port == 80)
        #expect(try OwnerAddress("searcher-3.internal:8080").host == "searcher-3.internal")
        for bad in ["", "host", "host:", ":80", "host:0", "host:70000", "host:x"] {
            #expect(throws: SearchClientError.invalidOwnerAddress(bad)) { try OwnerAddress(bad) }
        }
    }
}
