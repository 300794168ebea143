extension GzipFileWriter: LineSink {}
