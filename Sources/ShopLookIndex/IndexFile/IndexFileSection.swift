/// The kind of a section, as stored in the section table.
enum IndexFileSection: UInt32, CaseIterable {
    case transform = 1, coarse = 2, codebooks = 3, directory = 4, listData = 5

    /// The name errors use.
    var name: String {
        switch self {
        case .transform: return "transform"
        case .coarse: return "coarse centroids"
        case .codebooks: return "pq codebooks"
        case .directory: return "list directory"
        case .listData: return "list data"
        }
    }

    /// Sections every file has (the transform is there exactly when the header says PCA).
    static let required: [IndexFileSection] = [.coarse, .codebooks, .directory, .listData]
}

extension IndexFileSection {
    /// Throws `IndexError.corrupt` naming this section unless its length is the expected one.
    func requireLength(_ length: Int, expected: Int) throws {
        guard length == expected else { throw IndexError.corrupt(section: name, detail: "length \(length), expected \(expected)") }
    }
}
