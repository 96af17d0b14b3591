#include "nd_identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nd_vec.h"

struct nd_domains {
	char **names;    /* lower case */
	size_t *parent;  /* union-find forest over names */
	size_t n, cap;
};

/* Returns c folded to lower-case ASCII. */
static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Copies s[0..n) to out (size ND_IDENTITY_PART_MAX), folded. Nothing is
 * trimmed: names that differ in white space or control characters are
 * different names (issue 9, item 12). Returns the length copied. */
static size_t copy_part(char *out, const char *s, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n && len + 1 < ND_IDENTITY_PART_MAX; i++)
		out[len++] = fold(s[i]);
	out[len] = '\0';
	return len;
}

/* Returns 1 if s starts with the lower-case ASCII prefix p, ignoring case,
 * else 0. */
static int has_prefix(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if (fold(*s) != *p)
			return 0;
	return 1;
}

/* Sets out to the device identity of "NAME[.dns.domain]" of length n.
 * Returns 0, or -1 when there is no name. */
static int device(const char *s, size_t n, nd_identity *out)
{
	const char *dot = memchr(s, '.', n);
	size_t name = dot ? (size_t)(dot - s) : n, len;

	len = copy_part(out->user, s, name);
	if (len == 0)
		return -1;
	if (out->user[len - 1] != '$' && len + 2 < ND_IDENTITY_PART_MAX) {
		out->user[len] = '$';
		out->user[len + 1] = '\0';
	}
	if (dot)
		copy_part(out->domain, dot + 1, n - name - 1);
	else
		out->domain[0] = '\0';
	return 0;
}

int nd_identity_parse(const char *s, const char *default_domain, nd_identity *out)
{
	const char *sep;
	size_t n = strlen(s);

	out->domain[0] = out->user[0] = '\0';
	if (has_prefix(s, "host/"))
		return device(s + 5, n - 5, out);
	if (memchr(s, '/', n))
		return -1; /* a canonical name (lab.example/Users/Alice) names no account */
	if ((sep = memchr(s, '\\', n)) != NULL) {
		copy_part(out->domain, s, (size_t)(sep - s));
		return copy_part(out->user, sep + 1, n - (size_t)(sep - s) - 1) && strcmp(out->user, "-") ? 0 : -1;
	}
	if ((sep = strrchr(s, '@')) != NULL) {
		copy_part(out->domain, sep + 1, n - (size_t)(sep - s) - 1);
		return copy_part(out->user, s, (size_t)(sep - s)) ? 0 : -1;
	}
	if (copy_part(out->user, s, n) == 0 || strcmp(out->user, "-") == 0)
		return -1;
	if (default_domain && strcmp(default_domain, "-") != 0)
		copy_part(out->domain, default_domain, strlen(default_domain));
	return 0;
}

int nd_identity_is_system(const char *s)
{
	nd_identity id;

	if (nd_identity_parse(s, NULL, &id) != 0 || strcmp(id.user, "system") != 0)
		return 0;
	return id.domain[0] == '\0' || strcmp(id.domain, "nt authority") == 0;
}

int nd_identity_of_computer(const char *computer, nd_identity *out)
{
	out->domain[0] = out->user[0] = '\0';
	return device(computer, strlen(computer), out);
}

nd_domains *nd_domains_new(void)
{
	return calloc(1, sizeof(nd_domains));
}

void nd_domains_free(nd_domains *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		free(d->names[i]);
	free(d->names);
	free(d->parent);
	free(d);
}

/* Returns the index of the folded name in d, or d->n when absent. */
static size_t lookup(const nd_domains *d, const char *folded)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->names[i], folded) == 0)
			return i;
	return d->n;
}

/* Returns the root of i's group. */
static size_t root(const nd_domains *d, size_t i)
{
	while (d->parent[i] != i)
		i = d->parent[i];
	return i;
}

/* Finds or adds name (folded) and sets *at to its index. Returns 0, or -1
 * with err set when out of memory. */
static int intern(nd_domains *d, const char *name, size_t *at, nd_error *err)
{
	char folded[ND_IDENTITY_PART_MAX];

	copy_part(folded, name, strlen(name));
	if ((*at = lookup(d, folded)) < d->n)
		return 0;
	if (d->n == d->cap) {
		/* Names and parents grow together from the same capacity. */
		size_t cap_names = d->cap, cap_parent = d->cap;

		if (nd_vec_reserve(&d->names, &cap_names, d->n + 1, sizeof(*d->names)) != 0 ||
		    nd_vec_reserve(&d->parent, &cap_parent, d->n + 1, sizeof(*d->parent)) != 0)
			return nd_error_set(err, "out of memory");
		d->cap = cap_names < cap_parent ? cap_names : cap_parent;
	}
	if (!(d->names[d->n] = strdup(folded)))
		return nd_error_set(err, "out of memory");
	d->parent[d->n] = d->n;
	*at = d->n++;
	return 0;
}

int nd_domains_same(nd_domains *d, const char *a, const char *b, nd_error *err)
{
	size_t ia, ib, ra, rb;

	if (!*a || !*b || strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return 0;
	if (intern(d, a, &ia, err) || intern(d, b, &ib, err))
		return -1;
	ra = root(d, ia);
	rb = root(d, ib);
	if (ra != rb)
		d->parent[ra > rb ? ra : rb] = ra > rb ? rb : ra;
	return 0;
}

int nd_domains_known(nd_domains *d, const char *dns, nd_error *err)
{
	size_t at;

	if (!*dns || !strchr(dns, '.'))
		return 0;
	return intern(d, dns, &at, err);
}

/* Returns the lexically smallest DNS name in the group of root r, or NULL
 * when the group has none. */
static const char *group_dns(const nd_domains *d, size_t r)
{
	const char *best = NULL;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strchr(d->names[i], '.') && root(d, i) == r && (!best || strcmp(d->names[i], best) < 0))
			best = d->names[i];
	return best;
}

/* Returns the DNS name a NetBIOS name stands for by first label: the
 * group name of the only group with a DNS name "netbios.*", or NULL when
 * none or several. */
static const char *by_first_label(const nd_domains *d, const char *netbios)
{
	const char *found = NULL;
	size_t i, n = strlen(netbios);

	for (i = 0; i < d->n; i++) {
		const char *dns;

		if (strncmp(d->names[i], netbios, n) != 0 || d->names[i][n] != '.')
			continue;
		dns = group_dns(d, root(d, i));
		if (found && strcmp(found, dns) != 0)
			return NULL;
		found = dns;
	}
	return found;
}

char *nd_domains_key(const nd_domains *d, const nd_identity *id, char *out, size_t n)
{
	const char *domain = id->domain;
	size_t at = lookup(d, id->domain);

	if (!*domain) {
		snprintf(out, n, "%s", id->user);
		return out;
	}
	if (at < d->n && group_dns(d, root(d, at)))
		domain = group_dns(d, root(d, at));
	else if (!strchr(domain, '.') && by_first_label(d, domain))
		domain = by_first_label(d, domain);
	snprintf(out, n, "%s\\%s", domain, id->user);
	return out;
}
