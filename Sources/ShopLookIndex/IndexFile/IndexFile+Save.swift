extension IndexFile {
    /// Writes the index atomically to `path`. Holds the index's read lock while
    /// writing (adds and removes wait; searches continue).
    public static func save(_ index: IVFPQIndex, to path: String) throws {
        guard let state = index.state else { throw IndexError.notTrained }
        let lists = index.invlists
        try lists.withReadLock {
            let (directory, listDataLength) = IndexFileListDirectory.planned(for: lists)
            let metadata = metadataSections(state, directory)
            var table = IndexFileSectionTable(metadata: metadata, listDataLength: listDataLength)
            let header = IndexFileHeader(index.configuration, sectionCount: table.entries.count,
                                         vectorCount: directory.vectorCount, fileBytes: table.fileBytes)
            try FileWriter.writeAtomically(to: path) { writer in
                table.listDataChecksum = try writeSections(metadata, table, lists, directory, to: writer)
                try writer.flush()
                try writer.pwriteAll(header.encoded() + table.encoded(), at: 0)
            }
        }
    }

    /// The sections before the list data, in file order.
    private static func metadataSections(_ state: TrainedState, _ directory: IndexFileListDirectory)
        -> [(kind: IndexFileSection, bytes: [UInt8])] {
        var sections: [(kind: IndexFileSection, bytes: [UInt8])] = []
        if let transform = state.transform {
            sections.append((.transform, IndexFileTransformSection(transform).encoded()))
        }
        sections.append((.coarse, IndexFileCoarseSection(state.coarse).encoded()))
        sections.append((.codebooks, IndexFileCodebookSection(state.pq).encoded()))
        sections.append((.directory, directory.encoded()))
        return sections
    }

    /// Writes zeros where the header and table go, then every section where the
    /// table says. Returns the list data checksum.
    private static func writeSections(_ metadata: [(kind: IndexFileSection, bytes: [UInt8])], _ table: IndexFileSectionTable,
                                      _ lists: InvertedLists, _ directory: IndexFileListDirectory,
                                      to writer: FileWriter) throws -> UInt32 {
        for (entry, section) in zip(table.entries, metadata) {
            try writer.padTo(entry.offset)
            try writer.write(section.bytes)
        }
        let listData = table.entries.last!.offset
        try writer.padTo(listData)
        return try IndexFileListData.write(lists, directory, to: writer, at: listData)
    }
}
