import ShopLookCore
import ShopLookImaging

extension DeadLetterReason {
    /// Why an image that does not decode is dead-lettered: over the limits, or undecodable.
    init(_ error: ImageError) {
        switch error {
        case .inputTooLarge, .imageTooLarge: self = .limitExceeded
        default: self = .undecodableImage
        }
    }
}
