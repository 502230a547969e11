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
}
