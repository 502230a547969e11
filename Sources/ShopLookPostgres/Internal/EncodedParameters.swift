/// Statement parameters encoded for `PQexecParams`: one contiguous byte buffer plus, per parameter, its type
/// OID, offset into the buffer and length (`-1` = NULL, sent with OID 0 so the server infers the type).
/// All parameters are in binary format.
struct EncodedParameters {
    var types: [UInt32] = []
    var offsets: [Int] = []
    var lengths: [Int32] = []
    /// Never empty (a trailing pad byte keeps `baseAddress` non-nil even when every value is empty).
    var bytes: [UInt8] = []

    var count: Int { types.count }

    init(_ parameters: [(any PostgresEncodable)?]) throws(PostgresError) {
        guard parameters.count <= Int(UInt16.max) else {
            throw PostgresError(kind: .encoding, message: "\(parameters.count) parameters; PostgreSQL accepts at most 65535")
        }
        types.reserveCapacity(parameters.count)
        offsets.reserveCapacity(parameters.count)
        lengths.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            guard let parameter else {
                types.append(PostgresType.unspecified.rawValue)
                offsets.append(0)
                lengths.append(-1)
                continue
            }
            let start = bytes.count
            parameter.encode(into: &bytes)
            let length = bytes.count - start
            guard length <= Int(Int32.max) else {
                throw PostgresError(kind: .encoding, message: "parameter $\(index + 1) is \(length) bytes; the protocol limit is 2 GiB")
            }
            types.append(type(of: parameter).postgresType.rawValue)
            offsets.append(start)
            lengths.append(Int32(length))
        }
        bytes.append(0)
    }
}
