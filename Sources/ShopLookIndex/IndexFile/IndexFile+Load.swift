extension IndexFile {
    /// Maps and validates an index file. Errors name the failing section.
    public static func load(from path: String, verification: Verification = .full) throws -> IVFPQIndex {
        let map = try MappedFile(path: path)
        let file = map.bytes
        let header = try IndexFileHeader(reading: file, path: path)
        let configuration = try header.configuration()
        let table = try IndexFileSectionTable(reading: file, header: header)
        try table.verifyChecksums(in: file, verification)
        let state = try trainedState(configuration, from: file, table)
        let lists = try IVFPQIndex(configuration).invlists
        let directory = try IndexFileListDirectory(reading: table.bytes(of: .directory, in: file), nlist: configuration.nlist)
        let listData = table.bytes(of: .listData, in: file)
        try directory.validate(listDataLength: listData.count, for: lists, vectorCount: header.vectorCount)
        lists.installMapped(IndexFileListData.mappedLists(directory, in: listData, for: lists), mapping: map)
        return IVFPQIndex(configuration: configuration, state: state, invlists: lists)
    }

    /// The transform, coarse quantizer and PQ from their sections.
    private static func trainedState(_ c: IVFPQIndex.Configuration, from file: UnsafeRawBufferPointer,
                                     _ table: IndexFileSectionTable) throws -> TrainedState {
        var transform: PCATransform?
        if table[.transform] != nil {
            transform = try IndexFileTransformSection(reading: table.bytes(of: .transform, in: file), c).transform(c)
        }
        let coarse = try IndexFileCoarseSection(reading: table.bytes(of: .coarse, in: file), c).quantizer(c)
        let pq = try IndexFileCodebookSection(reading: table.bytes(of: .codebooks, in: file), c).quantizer(c)
        return TrainedState(metric: c.metric, transform: transform, coarse: coarse, pq: pq)
    }
}
