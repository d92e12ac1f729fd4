package io.firehosegateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads back what the local file sink wrote under its directory. */
public final class LocalSinkFiles {

    private final Path directory;

    public LocalSinkFiles(Path directory) {
        this.directory = directory;
    }

    /** The lines of every closed file: what a reader of the sink's output sees. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Path file : files()) {
            if (!hidden(file)) {
                try {
                    lines.addAll(Files.readAllLines(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return lines;
    }

    /** How many files are still being written under their hidden {@code .part} names. */
    public long openFiles() {
        return files().stream().filter(LocalSinkFiles::hidden).count();
    }

    private static boolean hidden(Path file) {
        return file.getFileName().toString().startsWith(".");
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        collect(directory, files);
        return files;
    }

    /**
     * Not {@link Files#walk}: it fails on a {@code .part} file renamed while it lists the folder,
     * where {@link Files#isRegularFile} just answers false.
     */
    private static void collect(Path folder, List<Path> files) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry)) {
                    collect(entry, files);
                } else if (Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
