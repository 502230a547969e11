import ShopLookDevBroker
import Testing

@Suite struct BrokerCommandTests {
    @Test func parsesEveryCommand() throws {
        #expect(try BrokerCommand(parsing: "ping") == .ping)
        #expect(try BrokerCommand(parsing: "  create-topic  orders 6 ") == .createTopic(name: "orders", partitions: 6, replicationFactor: nil))
        #expect(try BrokerCommand(parsing: "create-topic orders 6 2") == .createTopic(name: "orders", partitions: 6, replicationFactor: 2))
        #expect(try BrokerCommand(parsing: "broker-down 2") == .brokerDown(2))
        #expect(try BrokerCommand(parsing: "broker-up 2") == .brokerUp(2))
        #expect(try BrokerCommand(parsing: "broker-rtt 1 250") == .brokerRoundTripTime(1, milliseconds: 250))
        #expect(try BrokerCommand(parsing: "set-leader embedded 3 1") == .setLeader(topic: "embedded", partition: 3, broker: 1))
        #expect(try BrokerCommand(parsing: "push-errors Produce NOT_LEADER_FOR_PARTITION,7")
            == .pushErrors(apiKey: 0, errors: [6, 7]))
        #expect(try BrokerCommand(parsing: "push-errors 8 _TRANSPORT") == .pushErrors(apiKey: 8, errors: [-195]))
        #expect(try BrokerCommand(parsing: "clear-errors Fetch") == .clearErrors(apiKey: 1))
        #expect(try BrokerCommand(parsing: "shutdown") == .shutdown)
    }

    @Test func rejectsBadCommandsWithUsage() {
        let cases: [(String, String)] = [
            ("", "empty"), ("frobnicate", "unknown command"), ("broker-down", "usage: broker-down ID"),
            ("broker-down one", "ID must be an integer"), ("create-topic t", "usage: create-topic"),
            ("push-errors Produce NO_SUCH_ERROR", "unknown Kafka error"), ("clear-errors Nope", "unknown API"),
        ]
        for (line, expected) in cases {
            #expect {
                try BrokerCommand(parsing: line)
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }

    @Test func commandsRunAgainstAMockCluster() throws {
        let cluster = try MockKafkaCluster(brokers: 2)
        #expect(BrokerCommand.createTopic(name: "t", partitions: 3, replicationFactor: nil).run(on: cluster, defaultReplicationFactor: 2) == "ok")
        #expect(BrokerCommand.topics.run(on: cluster, defaultReplicationFactor: 2) == "ok t:3")
        #expect(BrokerCommand.brokerDown(3).run(on: cluster, defaultReplicationFactor: 2).hasPrefix("error no broker 3"))
        #expect(BrokerCommand.createTopic(name: "bad/name", partitions: 1, replicationFactor: nil).run(on: cluster, defaultReplicationFactor: 1).hasPrefix("error"))
        #expect(BrokerCommand.bootstrap.run(on: cluster, defaultReplicationFactor: 2).split(separator: ",").count == 2)
    }
}
