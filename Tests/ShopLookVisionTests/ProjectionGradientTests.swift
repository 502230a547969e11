import ShopLookCore
@testable import ShopLookVision
import Testing

@Suite struct ProjectionGradientTests {
    @Test func analyticGradientsMatchFiniteDifferences() {
        var generator = SplitMix64(seed: 9)
        let x = Matrix(rows: 6, columns: 5, values: (0..<30).map { _ in generator.nextUnitFloat() - 0.5 })
        let labels = [0, 1, 2, 0, 1, 2]
        let w = Matrix(rows: 5, columns: 3, values: (0..<15).map { _ in generator.nextUnitFloat() - 0.5 })
        let proxies = Matrix(rows: 3, columns: 3, values: (0..<9).map { _ in generator.nextUnitFloat() - 0.5 })
        var trainer = ProjectionTrainer()
        trainer.scale = 4
        let (_, gradW, gradP) = trainer.lossAndGradients(x, labels, w, proxies)
        let h: Float = 2e-3
        for index in 0..<15 {
            var plus = w, minus = w
            plus.values[index] += h
            minus.values[index] -= h
            let numeric = (trainer.lossAndGradients(x, labels, plus, proxies).0 - trainer.lossAndGradients(x, labels, minus, proxies).0) / (2 * h)
            #expect(abs(numeric - gradW.values[index]) < 2e-3, "W[\(index)]: numeric \(numeric), analytic \(gradW.values[index])")
        }
        for index in 0..<9 {
            var plus = proxies, minus = proxies
            plus.values[index] += h
            minus.values[index] -= h
            let numeric = (trainer.lossAndGradients(x, labels, w, plus).0 - trainer.lossAndGradients(x, labels, w, minus).0) / (2 * h)
            #expect(abs(numeric - gradP.values[index]) < 2e-3, "P[\(index)]: numeric \(numeric), analytic \(gradP.values[index])")
        }
    }
}
