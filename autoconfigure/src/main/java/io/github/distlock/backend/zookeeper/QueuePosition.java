package io.github.distlock.backend.zookeeper;

import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where one lock node stands in the queue of its key: the children of the key node,
 * ordered by the sequence number ZooKeeper appended to their names.
 *
 * <p>
 * Node names are those Curator's protected mode produces
 * ({@code _c_<uuid>-lock-0000000042}), the same as {@code InterProcessMutex}'s, so both
 * order one key's nodes alike. Children that are not lock nodes are ignored.
 *
 * @param present whether our node is still among the children (it vanishes with its
 * session)
 * @param predecessor the node just ahead of ours, or {@code null} when ours is first: the
 * lock is ours
 */
record QueuePosition(boolean present, @Nullable String predecessor) {

	/**
	 * The name lock nodes are created with, before protection prefixes it and ZooKeeper
	 * numbers it.
	 */
	static final String NODE_NAME = "lock-";

	private static final Comparator<String> BY_SEQUENCE = Comparator.comparing(QueuePosition::sequence);

	/**
	 * The position of {@code ownName} among {@code children}.
	 */
	static QueuePosition of(List<String> children, String ownName) {
		String ownSequence = sequence(ownName);
		String predecessor = null;
		boolean present = false;
		// One pass instead of a sort: the uncontended queue has one child, a contended
		// one a few.
		for (String child : children) {
			if (child.equals(ownName)) {
				present = true;
			}
			else if (isLockNode(child) && sequence(child).compareTo(ownSequence) < 0
					&& (predecessor == null || BY_SEQUENCE.compare(child, predecessor) > 0)) {
				predecessor = child;
			}
		}
		return new QueuePosition(present, predecessor);
	}

	/**
	 * Whether our node holds the lock.
	 */
	boolean isFirst() {
		return this.present && this.predecessor == null;
	}

	private static boolean isLockNode(String name) {
		return name.lastIndexOf(NODE_NAME) >= 0;
	}

	/**
	 * The zero-padded sequence suffix, which orders as a string exactly as the number
	 * does.
	 */
	private static String sequence(String name) {
		int at = name.lastIndexOf(NODE_NAME);
		return (at >= 0) ? name.substring(at + NODE_NAME.length()) : name;
	}

}
