package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.firehosegateway.event.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * A journal on a real, small filesystem that it fills itself (a 4 MiB tmpfs, with the default
 * segment and journal sizes, far larger than the disk): it must get out by itself once the
 * destination takes the backlog. Skipped where a tmpfs cannot be mounted (not root, or in a
 * container without the capability).
 */
class JournalFullDiskIntegrationTests {

    @TempDir
    Path work;

    private Path disk;
    private boolean mounted;
    private Journal journal;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = Files.createDirectories(work.resolve("small-disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.toString())
                .redirectErrorStream(true)
                .start();
        mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        assumeThat(mounted).as("a 4 MiB tmpfs can be mounted at " + disk).isTrue();
    }

    @AfterEach
    void unmount() throws Exception {
        if (journal != null) {
            journal.close();
        }
        if (mounted) {
            new ProcessBuilder("umount", disk.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Journal open() throws IOException {
        journal = Journal.open(
                new JournalProperties(disk.resolve("journal"), DataSize.ofGigabytes(1), DataSize.ofMegabytes(16)),
                Clock.systemUTC());
        return journal;
    }

    private static List<Event> events(String prefix) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = prefix + "-" + i;
            events.add(new Event(
                    id,
                    ("{\"id\":\"" + id + "\",\"pad\":\"" + "x".repeat(100) + "\"}\n")
                            .getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    @Test
    void aJournalThatFilledItsDiskGetsOutByItselfOnceTheBacklogIsDelivered() throws Exception {
        open();
        // The destination is down: requests are journaled until the disk is full.
        Set<Long> acknowledged = new HashSet<>();
        int refused = 0;
        for (int i = 0; refused < 20 && i < 100_000; i++) {
            try {
                acknowledged.add(journal.append("events", events("r" + i), null).get(5, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                refused++;
            }
        }
        assertThat(refused).as("the disk filled up").isEqualTo(20);
        assertThat(acknowledged).hasSizeGreaterThan(1000);

        // The destination is back: everything acknowledged is delivered.
        Set<Long> delivered = new HashSet<>();
        for (JournalEntry entry = journal.poll(500); entry != null; entry = journal.poll(500)) {
            delivered.add(entry.sequence());
            journal.acknowledge(entry.sequence());
        }
        assertThat(delivered).isEqualTo(acknowledged);

        // And the journal takes requests again, by itself.
        for (int i = 0; i < 50; i++) {
            journal.append("events", events("after" + i), null).get(5, TimeUnit.SECONDS);
        }
        for (JournalEntry entry = journal.poll(500); entry != null; entry = journal.poll(500)) {
            journal.acknowledge(entry.sequence());
        }

        // A restart does not send the delivered backlog again.
        journal.close();
        open();
        int again = 0;
        for (JournalEntry entry = journal.poll(500); entry != null; entry = journal.poll(500)) {
            again++;
        }
        assertThat(again).isLessThanOrEqualTo(50);
    }
}
