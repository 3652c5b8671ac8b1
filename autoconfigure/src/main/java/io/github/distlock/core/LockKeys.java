package io.github.distlock.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

import io.github.distlock.InvalidLockKeyException;
import io.github.distlock.LockTemplate;
import io.github.distlock.spi.LockRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ObjectUtils;

/**
 * The one key encoding every backend receives: injective, safe as a single path segment,
 * and capped at {@link LockRequest#MAX_ENCODED_LENGTH} characters.
 *
 * <p>
 * Characters outside {@code [A-Za-z0-9._:-]} are percent-encoded from their UTF-8 bytes,
 * so {@code /}, {@code %}, {@code ,} and {@code ~} never appear raw. A list or array key
 * joins its encoded elements with a raw {@code ,}, which no single string can produce:
 * {@code ["a:b", "c"]}, {@code ["a", "b:c"]} and {@code "a:b,c"} are three different
 * keys. An encoded key longer than the cap keeps a readable prefix followed by a raw
 * {@code ~} and the SHA-256 of the whole encoded key.
 */
public final class LockKeys {

	private static final int HASHED_PREFIX_LENGTH = LockRequest.MAX_ENCODED_LENGTH - 1 - 64 - 1;

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	private LockKeys() {
	}

	/**
	 * Encodes a key given as a string, or as a collection or array of parts.
	 * @throws InvalidLockKeyException when the key or one of its parts is null or empty,
	 * or longer than {@link LockTemplate#MAX_KEY_LENGTH}
	 */
	public static String encode(@Nullable Object key) {
		String encoded;
		if (key instanceof Collection<?> || (key != null && key.getClass().isArray())) {
			List<?> parts = (key instanceof Collection<?> collection) ? new ArrayList<>(collection)
					: List.of(ObjectUtils.toObjectArray(key));
			if (parts.isEmpty()) {
				throw new InvalidLockKeyException("Lock key is an empty list; give at least one non-empty part");
			}
			StringJoiner joined = new StringJoiner(",");
			for (int i = 0; i < parts.size(); i++) {
				joined.add(encodeString(checked(parts.get(i), "part " + i + " of the lock key")));
			}
			encoded = joined.toString();
		}
		else {
			encoded = encodeString(checked(key, "lock key"));
		}
		return (encoded.length() <= LockRequest.MAX_ENCODED_LENGTH) ? encoded : hashed(encoded);
	}

	/**
	 * A readable form of a key for messages, metrics-free logs and
	 * {@link io.github.distlock.Lease#key()}.
	 */
	public static String display(Object key) {
		if (key instanceof Collection<?> || key.getClass().isArray()) {
			Object[] parts = (key instanceof Collection<?> collection) ? collection.toArray()
					: ObjectUtils.toObjectArray(key);
			return ObjectUtils.nullSafeToString(parts);
		}
		return key.toString();
	}

	private static String checked(@Nullable Object value, String what) {
		if (value == null) {
			throw new InvalidLockKeyException(
					"The " + what + " is null; make the key expression or argument " + "yield a non-empty value");
		}
		String text = value.toString();
		if (text.isBlank()) {
			throw new InvalidLockKeyException(
					"The " + what + " is empty; make the key expression or argument " + "yield a non-empty value");
		}
		if (text.length() > LockTemplate.MAX_KEY_LENGTH) {
			throw new InvalidLockKeyException("The " + what + " has " + text.length() + " characters, more than the "
					+ LockTemplate.MAX_KEY_LENGTH
					+ " allowed; lock on an identifier, not on a payload (it starts with '" + text.substring(0, 40)
					+ "...')");
		}
		return text;
	}

	private static String encodeString(String text) {
		if (text.equals(".") || text.equals("..")) {
			return text.replace(".", "%2E");
		}
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		StringBuilder out = new StringBuilder(bytes.length + 8);
		for (byte b : bytes) {
			int c = b & 0xFF;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
					|| c == ':' || c == '-') {
				out.append((char) c);
			}
			else {
				out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
			}
		}
		return out.toString();
	}

	private static String hashed(String encoded) {
		int cut = HASHED_PREFIX_LENGTH;
		// Never split a %XX escape: the prefix stays decodable for people reading the
		// server's keys.
		int percent = encoded.lastIndexOf('%', cut - 1);
		if (percent >= 0 && percent > cut - 3) {
			cut = percent;
		}
		return encoded.substring(0, cut) + "~" + sha256(encoded);
	}

	private static String sha256(String text) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

}
