import ShopLookCore
/// Indices of BlazePose's 33 body landmarks. "Left" is the person's left.
public enum PoseLandmarkIndex: Int, Sendable, CaseIterable {
    case nose = 0
    case leftEyeInner, leftEye, leftEyeOuter, rightEyeInner, rightEye, rightEyeOuter
    case leftEar, rightEar, mouthLeft, mouthRight
    case leftShoulder = 11, rightShoulder, leftElbow, rightElbow, leftWrist, rightWrist
    case leftPinky, rightPinky, leftIndex, rightIndex, leftThumb, rightThumb
    case leftHip = 23, rightHip, leftKnee, rightKnee, leftAnkle, rightAnkle
    case leftHeel, rightHeel, leftFootIndex, rightFootIndex

    public static let bodyCount = 33
}

extension Array where Element == Landmark {
    /// The landmark at a named index.
    public subscript(_ index: PoseLandmarkIndex) -> Landmark { self[index.rawValue] }
}
