/// An owner's `host:port` (`[v6-address]:port` for IPv6), as `searcher_shards.owner` holds it.
struct OwnerAddress: Sendable, Hashable {
    var host: String
    var port: Int

    init(_ address: String) throws(SearchClientError) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (1...65535).contains(port)
        else { throw .invalidOwnerAddress(address) }
        var host = address[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains("/"), !host.contains(" ") else { throw .invalidOwnerAddress(address) }
        self.host = String(host)
        self.port = port
    }
}
