#include "evtx_filter.h"

#include <string.h>

#include "evtx_format.h"

#define MAX_DEPTH 32

/* Compares the chunk name structure at name_off (u32 next, u16 hash, u16
 * length, UTF-16LE) with an ASCII literal. Returns 1 if equal, else 0. */
static int name_equals(const uint8_t *chunk, uint32_t name_off, const char *lit)
{
	size_t n = strlen(lit), i;
	uint16_t len;

	if ((size_t)name_off + 8 > ND_EVTX_CHUNK_SIZE)
		return 0;
	len = nd_le16(chunk + name_off + 6);
	if (len != n || (size_t)name_off + 8 + 2 * (size_t)len > ND_EVTX_CHUNK_SIZE)
		return 0;
	for (i = 0; i < n; i++)
		if (nd_le16(chunk + name_off + 8 + 2 * i) != (unsigned char)lit[i])
			return 0;
	return 1;
}

/* Reads a name reference at *pos: a u32 chunk offset, followed inline by
 * the name structure when it points right behind itself. Advances *pos.
 * Returns the name offset, or 0 on a bounds error. */
static uint32_t read_name_ref(const uint8_t *chunk, uint32_t *pos, uint32_t end)
{
	uint32_t off;

	if (*pos + 4 > end)
		return 0;
	off = nd_le32(chunk + *pos);
	*pos += 4;
	if (off == *pos) {
		uint32_t len;

		if (*pos + 8 > end)
			return 0;
		len = nd_le16(chunk + *pos + 6);
		*pos += 8 + 2 * (len + 1);
		if (*pos > end)
			return 0;
	}
	return off;
}

/* Walks a template definition at def_off and fills info with the
 * substitution indexes of EventID and the provider attributes. Returns 0,
 * or -1 if the definition is not understood. */
static int walk_template(const uint8_t *chunk, uint32_t def_off, nd_evtx_template_info *info)
{
	uint32_t names[MAX_DEPTH];
	uint32_t pos, end, attr = 0;
	int depth = 0;

	info->event_id_sub = info->provider_sub = info->source_sub = -1;
	if ((size_t)def_off + 24 > ND_EVTX_CHUNK_SIZE)
		return -1;
	end = def_off + 24 + nd_le32(chunk + def_off + 20);
	if (end > ND_EVTX_CHUNK_SIZE || end < def_off)
		return -1;
	pos = def_off + 24;
	while (pos < end) {
		uint8_t tok = chunk[pos];

		switch (tok & 0x0f) {
		case ND_EVTX_TOK_EOF:
			return info->event_id_sub >= 0 ? 0 : -1;
		case ND_EVTX_TOK_FRAGMENT:
			pos += 4;
			break;
		case ND_EVTX_TOK_OPEN_START: {
			uint32_t name;

			pos += 1 + 2 + 4; /* token, dependency id, data size */
			name = read_name_ref(chunk, &pos, end);
			if (!name || depth >= MAX_DEPTH)
				return -1;
			names[depth++] = name;
			if (tok & 0x40)
				pos += 4; /* attribute list size */
			attr = 0;
			break;
		}
		case ND_EVTX_TOK_CLOSE_START:
			pos++;
			attr = 0;
			break;
		case ND_EVTX_TOK_CLOSE_EMPTY:
		case ND_EVTX_TOK_END:
			if (depth == 0)
				return -1;
			depth--;
			pos++;
			attr = 0;
			break;
		case ND_EVTX_TOK_ATTRIBUTE:
			pos++;
			attr = read_name_ref(chunk, &pos, end);
			if (!attr)
				return -1;
			break;
		case ND_EVTX_TOK_VALUE:
			if (pos + 4 > end || chunk[pos + 1] != 0x01)
				return -1;
			pos += 4 + 2 * (uint32_t)nd_le16(chunk + pos + 2);
			break;
		case ND_EVTX_TOK_CDATA:
		case ND_EVTX_TOK_PIDATA:
			if (pos + 3 > end)
				return -1;
			pos += 3 + 2 * (uint32_t)nd_le16(chunk + pos + 1);
			break;
		case ND_EVTX_TOK_CHARREF:
			pos += 3;
			break;
		case ND_EVTX_TOK_ENTITYREF:
		case ND_EVTX_TOK_PITARGET:
			pos++;
			if (!read_name_ref(chunk, &pos, end))
				return -1;
			break;
		case ND_EVTX_TOK_SUBST:
		case ND_EVTX_TOK_OPT_SUBST: {
			int idx;

			if (pos + 4 > end || depth == 0)
				return -1;
			idx = nd_le16(chunk + pos + 1);
			if (attr && name_equals(chunk, names[depth - 1], "Provider")) {
				if (name_equals(chunk, attr, "Name"))
					info->provider_sub = idx;
				else if (name_equals(chunk, attr, "EventSourceName"))
					info->source_sub = idx;
			} else if (!attr && info->event_id_sub < 0 &&
				   name_equals(chunk, names[depth - 1], "EventID")) {
				info->event_id_sub = idx;
			}
			pos += 4;
			break;
		}
		default:
			return -1;
		}
	}
	return -1;
}

/* Fills t->subs from t's substitution indexes. Returns nothing. */
static void order_subs(nd_evtx_template_info *t)
{
	const int idx[3] = {t->event_id_sub, t->provider_sub, t->source_sub};
	int role, k, dup;

	t->nsubs = 0;
	for (role = 0; role < 3; role++) {
		if (idx[role] < 0)
			continue;
		for (dup = 0, k = 0; k < t->nsubs; k++)
			dup |= t->subs[k].index == idx[role];
		if (dup)
			continue;
		for (k = t->nsubs++; k > 0 && t->subs[k - 1].index > idx[role]; k--)
			t->subs[k] = t->subs[k - 1];
		t->subs[k].index = idx[role];
		t->subs[k].role = role;
	}
}

/* Returns the cached (or newly learned) information for the template
 * definition at def_off. */
static const nd_evtx_template_info *template_info(nd_evtx_filter *f, const uint8_t *chunk, uint32_t def_off)
{
	nd_evtx_template_info *t;
	size_t i;

	for (i = 0; i < f->count; i++)
		if (f->templates[i].offset == def_off)
			return &f->templates[i];
	if (f->count < ND_EVTX_FILTER_TEMPLATES)
		t = &f->templates[f->count++];
	else
		t = &f->templates[def_off % ND_EVTX_FILTER_TEMPLATES];
	t->offset = def_off;
	t->ok = walk_template(chunk, def_off, t) == 0;
	order_subs(t);
	return t;
}

/* Copies a UTF-16LE substitution value into out, folding ASCII to lower
 * case and replacing other characters by '?'. Returns nothing. */
static void copy_name(const uint8_t *p, uint32_t size, char *out)
{
	uint32_t i, n = size / 2;

	if (n >= ND_EVTX_PROVIDER_MAX)
		n = ND_EVTX_PROVIDER_MAX - 1;
	for (i = 0; i < n; i++) {
		uint16_t u;

		/* Four units at a time while they are ASCII and not NUL, 'A'-'Z'
		 * folded in each 16-bit lane (this was half of the filter's
		 * time). */
		while (i + 4 <= n) {
			uint64_t x = nd_le64(p + 2 * i), upper;

			if ((x & 0xFF80FF80FF80FF80ULL) || ((x - 0x0001000100010001ULL) & 0x8000800080008000ULL))
				break;
			upper = (x + 0x003F003F003F003FULL) & ~(x + 0x0025002500250025ULL) & 0x0080008000800080ULL;
			x += upper >> 2;
			out[i] = (char)x;
			out[i + 1] = (char)(x >> 16);
			out[i + 2] = (char)(x >> 32);
			out[i + 3] = (char)(x >> 48);
			i += 4;
		}
		if (i >= n)
			break;
		u = nd_le16(p + 2 * i);

		if (u == 0)
			break;
		out[i] = u < 0x80 ? (char)((u >= 'A' && u <= 'Z') ? u + 32 : u) : '?';
	}
	out[i] = '\0';
}

/* Sets name to the substitution value of size bytes at off in chunk
 * (size 0: none), converting it only when it differs from the one it
 * holds. Returns 1 when it was the same, else 0. */
static int take_name(nd_evtx_peek_name *name, const uint8_t *chunk, uint32_t off, uint32_t size)
{
	if (size == name->size && (size == 0 || off == name->off || memcmp(chunk + off, chunk + name->off, size) == 0)) {
		name->off = off;
		return 1;
	}
	name->off = off;
	name->size = size;
	if (size)
		copy_name(chunk + off, size, name->text);
	else
		name->text[0] = '\0';
	return 0;
}

void nd_evtx_filter_reset(nd_evtx_filter *f)
{
	f->count = 0;
	f->provider.off = f->provider.size = f->source.off = f->source.size = 0;
	f->provider.text[0] = f->source.text[0] = '\0';
}

int nd_evtx_filter_peek(nd_evtx_filter *f, const uint8_t *chunk, uint32_t rec_off, uint32_t rec_size,
			nd_evtx_peek *peek)
{
	uint32_t pos = rec_off + ND_EVTX_RECORD_HEADER_SIZE, end = rec_off + rec_size - 4;
	uint32_t def_off, count, i, data, at[3], next, prov_off = 0, prov_size = 0, src_off = 0, src_size = 0;
	const nd_evtx_template_info *t;
	int same, k = 0;

	peek->known = 0;
	peek->same_names = 0;
	peek->provider = peek->source = "";
	if (pos + 14 > end || chunk[pos] != ND_EVTX_TOK_FRAGMENT || chunk[pos + 4] != ND_EVTX_TOK_TEMPLATE)
		return 0;
	pos += 4;
	def_off = nd_le32(chunk + pos + 6);
	pos += 10;
	if (def_off == pos) {
		if (pos + 24 > end)
			return 0;
		pos += 24 + nd_le32(chunk + pos + 20);
	}
	t = template_info(f, chunk, def_off);
	if (!t->ok || pos + 4 > end)
		return 0;
	count = nd_le32(chunk + pos);
	pos += 4;
	if (count > 1024 || pos + 4 * count > end)
		return 0;
	/* Where each value the filter reads starts; then every value must end
	 * inside the record (sizes are 16-bit: the sum cannot wrap). */
	data = pos + 4 * count;
	next = t->nsubs ? (uint32_t)t->subs[0].index : UINT32_MAX;
	for (i = 0; i < count; i++) {
		if (i == next) {
			at[k++] = data;
			next = k < t->nsubs ? (uint32_t)t->subs[k].index : UINT32_MAX;
		}
		data += nd_le16(chunk + pos + 4 * i);
	}
	if (data > end)
		return 0;
	while (k-- > 0) {
		const uint8_t *v = chunk + pos + 4 * (uint32_t)t->subs[k].index;
		uint32_t size = nd_le16(v);

		if (t->subs[k].role == ND_EVTX_SUB_EVENT_ID) {
			if (v[2] == 0x06 && size == 2)
				peek->event_id = nd_le16(chunk + at[k]);
			else if (v[2] == 0x08 && size == 4)
				peek->event_id = nd_le32(chunk + at[k]);
			else
				return 0;
			peek->known = 1;
		} else if (t->subs[k].role == ND_EVTX_SUB_PROVIDER && v[2] == 0x01) {
			prov_off = at[k];
			prov_size = size;
		} else if (t->subs[k].role == ND_EVTX_SUB_SOURCE && v[2] == 0x01) {
			src_off = at[k];
			src_size = size;
		}
	}
	if (!peek->known)
		return 0;
	same = take_name(&f->provider, chunk, prov_off, prov_size);
	same &= take_name(&f->source, chunk, src_off, src_size);
	peek->provider = f->provider.text;
	peek->source = f->source.text;
	peek->same_names = same;
	return 1;
}
