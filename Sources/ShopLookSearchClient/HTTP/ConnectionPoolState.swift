/// The bookkeeping of ``HTTPSearchTransport``'s keep-alive connections, per owner: which are idle, which are
/// leased, which are being opened. A pure value that returns what to do; the transport keeps it in a lock and
/// does the I/O outside it.
///
/// - A lease takes the most recently released idle connection of the owner (the warmest), else asks the caller
///   to open a new one: concurrent requests to one owner never wait for each other.
/// - A released connection is kept idle while its owner has fewer than `maximumIdlePerOwner` idle ones and it
///   is reusable (the answer was complete and keep-alive); otherwise the caller is told to close it. So a burst
///   may open more connections, and the pool shrinks back to a few per owner afterwards.
/// - A connection closed underneath (by the server, an error) is forgotten with ``closed(id:)``.
/// - After ``shutdown()`` every lease fails and every connection is handed out to be closed, those leased or
///   opening at that moment when they come back.
struct ConnectionPoolState<Connection> {
    enum LeaseAction {
        /// Use this idle connection.
        case use(id: Int, Connection)
        /// Open a new connection; report it with ``opened(id:_:)`` or ``openFailed(id:)``.
        case open(id: Int)
        /// The pool is shut down.
        case fail
    }

    let maximumIdlePerOwner: Int
    private var nextID = 0
    private var isShutDown = false
    /// Every open connection (idle or leased) by id, with its owner.
    private var connections: [Int: (owner: String, connection: Connection)] = [:]
    /// Ids of the idle connections per owner, most recently released last.
    private var idle: [String: [Int]] = [:]
    /// Ids being opened.
    private var opening: Set<Int> = []

    init(maximumIdlePerOwner: Int) {
        precondition(maximumIdlePerOwner >= 0)
        self.maximumIdlePerOwner = maximumIdlePerOwner
    }

    /// A connection for one request to `owner`; `fresh` skips the idle ones.
    mutating func lease(owner: String, fresh: Bool = false) -> LeaseAction {
        if isShutDown { return .fail }
        if !fresh, let id = idle[owner]?.popLast(), let entry = connections[id] { return .use(id: id, entry.connection) }
        nextID += 1
        opening.insert(nextID)
        return .open(id: nextID)
    }

    /// A connection asked for by ``LeaseAction/open(id:)`` is open and leased. Returns false when the pool shut
    /// down meanwhile: the caller closes it and fails the request.
    mutating func opened(id: Int, owner: String, _ connection: Connection) -> Bool {
        opening.remove(id)
        if isShutDown { return false }
        connections[id] = (owner, connection)
        return true
    }

    mutating func openFailed(id: Int) {
        opening.remove(id)
    }

    /// A leased connection comes back. Returns whether the caller must close it (not reusable, enough idle
    /// ones, shut down, or closed meanwhile); if not, it is idle now.
    mutating func release(id: Int, reusable: Bool) -> Bool {
        guard let entry = connections[id] else { return true }
        if isShutDown || !reusable || idle[entry.owner, default: []].count >= maximumIdlePerOwner {
            connections[id] = nil
            return true
        }
        idle[entry.owner, default: []].append(id)
        return false
    }

    /// The connection closed (idle or leased): forget it.
    mutating func closed(id: Int) {
        guard let entry = connections.removeValue(forKey: id) else { return }
        idle[entry.owner]?.removeAll { $0 == id }
        if idle[entry.owner]?.isEmpty == true { idle[entry.owner] = nil }
    }

    /// Fails later leases; returns every open connection (idle and leased) for the caller to close.
    mutating func shutdown() -> [Connection] {
        isShutDown = true
        let all = connections.values.map(\.connection)
        connections = [:]
        idle = [:]
        return all
    }

    /// Open connections (idle or leased), idle ones, and ones being opened.
    var statistics: (open: Int, idle: Int, opening: Int) {
        (connections.count, idle.values.reduce(0) { $0 + $1.count }, opening.count)
    }
}
