/* Golden files for the unit suites (header-only).  A suite that includes
 * it is compiled with -DTEST_DATA_DIR=...; UPDATE_GOLDEN=1 in the
 * environment rewrites the files from what the code produces. */
#ifndef MGMTD_UNIT_GOLDEN_H
#define MGMTD_UNIT_GOLDEN_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole of TEST_DATA_DIR/name, NUL-terminated (owned). */
static inline char *read_data(const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* text must equal the golden file name (or rewrite it, see above). */
static inline void assert_golden(const char *name, const char *text,
				 size_t len)
{
	char *want;
	size_t want_len;

	if (getenv("UPDATE_GOLDEN")) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
		f = fopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(text, 1, len, f), len);
		fclose(f);
	}
	want = read_data(name, &want_len);
	ck_assert_msg(len == want_len && memcmp(text, want, len) == 0,
		      "%s differs; got:\n%s\nwant:\n%s", name, text, want);
	free(want);
}

#endif
