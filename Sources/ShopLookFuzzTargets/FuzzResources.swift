import ShopLookCore

/// What the message targets load once: the codec over the project's `Schemas/` folder (found by ShopLookPaths:
/// `SHOPLOOK_HOME`, the working directory or the executable's folders and their parents) with every message
/// schema compiled.
enum FuzzResources {
    struct Schemas: Sendable {
        let codec: MessageCodec
        /// Every message type's schema, by schema name, in ``MessageCodec/messageTypes`` order.
        let compiled: [(name: String, schema: JSONSchema)]
    }

    static let schemas: Result<Schemas, FuzzFailure> = {
        let codec: MessageCodec
        do {
            codec = try MessageCodec()
        } catch {
            return .failure(FuzzFailure(target: "setup", invariant: "no Schemas folder: \(error)"))
        }
        var compiled: [(name: String, schema: JSONSchema)] = []
        for type in MessageCodec.messageTypes {
            do {
                compiled.append((type.schemaName, try codec.registry.schema(named: type.schemaName)))
            } catch {
                return .failure(FuzzFailure(target: "setup", invariant: "schema \(type.schemaName): \(error)"))
            }
        }
        return .success(Schemas(codec: codec, compiled: compiled))
    }()
}
