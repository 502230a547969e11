import Logging
import ShopLookKafka
import Testing

@Suite struct KafkaConfigurationTests {
    @Test func environmentAndFlagsAreMergedWithFlagsWinning() throws {
        let configuration = try KafkaConfiguration.resolve(
            properties: ["linger.ms=9"],
            environment: ["SHOPLOOK_KAFKA_BROKERS": "a:1,b:2", "SHOPLOOK_KAFKA_CONFIG": "linger.ms=1, socket.timeout.ms = 3000\nretries=2"])
        #expect(configuration.bootstrapServers == "a:1,b:2")
        #expect(configuration.properties == ["linger.ms": "9", "socket.timeout.ms": "3000", "retries": "2"])
    }

    @Test func consumerPropertiesReachConsumersOnly() async throws {
        let configuration = try KafkaConfiguration.resolve(
            environment: ["SHOPLOOK_KAFKA_BROKERS": "127.0.0.1:1", "SHOPLOOK_KAFKA_CONSUMER_CONFIG": "fetch.wait.max.ms=soon"])
        #expect(configuration.consumerProperties == ["fetch.wait.max.ms": "soon"])
        #expect(configuration.properties.isEmpty)
        // The producer never sees the consumer's (here invalid) value; the consumer rejects it at start-up.
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: configuration), logger: Logger(label: "test"))
        try await producer.close(timeout: .seconds(1))
        #expect {
            _ = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(kafka: configuration, groupID: "g"), topics: ["t"], logger: Logger(label: "test"))
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.kind == .configuration && error.message.contains("fetch.wait.max.ms")
        }
    }

    @Test func missingBrokersIsAClearError() {
        #expect {
            try KafkaConfiguration.resolve(environment: [:])
        } throws: { error in
            "\(error)".contains("SHOPLOOK_KAFKA_BROKERS")
        }
    }

    @Test func malformedPairIsRejected() {
        #expect(throws: KafkaError.self) {
            try KafkaConfiguration.resolve(brokers: "a:1", properties: ["linger.ms"], environment: [:])
        }
    }

    @Test func unknownPropertyFailsAtStartup() {
        let kafka = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: ["no.such.property": "1"])
        #expect {
            _ = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: Logger(label: "test"))
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.kind == .configuration && error.message.contains("no.such.property")
        }
    }

    @Test func invalidValueFailsAtStartup() {
        let kafka = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: ["session.timeout.ms": "soon"])
        #expect {
            _ = try KafkaConsumer(
                configuration: KafkaConsumerConfiguration(kafka: kafka, groupID: "g"), topics: ["t"], logger: Logger(label: "test"))
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.kind == .configuration && error.message.contains("session.timeout.ms")
        }
    }

    /// A rejected property's error reaches the logs: it names the key, never the value (a password).
    @Test func rejectedPropertyErrorsNeverShowTheValue() async throws {
        let secret = "hunter2-S3cr3t-value"
        let cases: [(properties: [String: String], key: String)] = [
            // Unknown property, secret-looking value (a misspelt sasl.password).
            (["sasl.passwrd": secret], "sasl.passwrd"),
            // Invalid value: librdkafka's own reason quotes it ("Invalid value \"…\" for configuration property").
            (["enable.idempotence": secret], "enable.idempotence"),
            (["sasl.password": secret, "security.protocol": secret], "security.protocol"),
        ]
        for (properties, key) in cases {
            let kafka = KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: properties)
            #expect {
                _ = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: Logger(label: "test"))
            } throws: { error in
                guard let error = error as? KafkaError else { return false }
                return error.kind == .configuration && "\(error)".contains(key) && !"\(error)".contains(secret)
                    && !"\(error)".contains("hunter2")
            }
        }
        // librdkafka accepts any sasl.password but checks the mechanism only when the client is created.
        let kafka = KafkaConfiguration(
            bootstrapServers: "127.0.0.1:1",
            properties: ["security.protocol": "sasl_plaintext", "sasl.mechanisms": "NOT-A-MECHANISM", "sasl.password": secret])
        do {
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka: kafka), logger: Logger(label: "test"))
            try await producer.close(timeout: .seconds(1))
        } catch {
            #expect(!"\(error)".contains(secret))
        }
    }
}
