// SPDX-License-Identifier: Apache-2.0
#include "dhcp-store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "state.h"
#include "shared/cleanup.h"

#define RECORD_MAX (64u << 10)

char *dhcp_store_dir(const char *config_dir)
{
	char *p;

	return asprintf(&p, "%s/netd/dhcp", config_dir) < 0 ? NULL : p;
}

char *dhcp_store_path(const char *config_dir, const char *container_id, const char *ifname)
{
	char *p;

	return asprintf(&p, "%s/netd/dhcp/%s.%s.json", config_dir, container_id, ifname) < 0
		       ? NULL : p;
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_addr(json_object *o, const char *k, uint32_t a)
{
	char b[INET_ADDRSTRLEN];

	if (a)
		add_str(o, k, inet_ntop(AF_INET, &a, b, sizeof(b)));
}

int dhcp_store_write(const char *config_dir, const struct dhcp_record *rec)
{
	_cleanup_free_ char *dir = dhcp_store_dir(config_dir);
	_cleanup_free_ char *path = dhcp_store_path(config_dir, rec->container_id, rec->ifname);
	const struct dhcp_lease *l = &rec->lease;
	json_object *o = json_object_new_object(), *dns = json_object_new_array();
	json_object *search = json_object_new_array();
	char mac[18];
	const char *s;
	int r;

	if (!dir || !path)
		return -ENOMEM;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", rec->mac[0], rec->mac[1],
		 rec->mac[2], rec->mac[3], rec->mac[4], rec->mac[5]);
	add_str(o, "container_id", rec->container_id);
	add_str(o, "network", rec->network);
	add_str(o, "netns", rec->netns);
	add_str(o, "interface", rec->ifname);
	add_str(o, "hostname", rec->hostname);
	add_str(o, "mac", mac);
	add_addr(o, "address", l->addr);
	add_addr(o, "mask", l->mask);
	add_addr(o, "router", l->router);
	add_addr(o, "server", l->server_id);
	for (size_t i = 0; i < l->n_dns; i++) {
		char b[INET_ADDRSTRLEN];
		json_object_array_add(dns, json_object_new_string(
					       inet_ntop(AF_INET, &l->dns[i], b, sizeof(b))));
	}
	json_object_object_add(o, "dns", dns);
	add_str(o, "domain", l->domain);
	for (size_t i = 0; i < l->n_search; i++)
		json_object_array_add(search, json_object_new_string(l->search[i]));
	json_object_object_add(o, "search", search);
	json_object_object_add(o, "lease", json_object_new_int64(l->lease));
	json_object_object_add(o, "t1", json_object_new_int64(l->t1));
	json_object_object_add(o, "t2", json_object_new_int64(l->t2));
	json_object_object_add(o, "acquired", json_object_new_int64(l->acquired));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	r = state_mkdir_p(dir, 0700);
	if (r == 0)
		r = state_write_atomic(path, s, strlen(s));
	json_object_put(o);
	return r;
}

static int get_str(json_object *o, const char *k, char *out, size_t size)
{
	json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return -EBADMSG;
	s = json_object_get_string(v);
	if (strlen(s) >= size)
		return -EBADMSG;
	strcpy(out, s);
	return 0;
}

static int get_addr(json_object *o, const char *k, bool required, uint32_t *ret)
{
	char b[INET_ADDRSTRLEN];

	*ret = 0;
	if (get_str(o, k, b, sizeof(b)) < 0)
		return required ? -EBADMSG : 0;
	return inet_pton(AF_INET, b, ret) == 1 ? 0 : -EBADMSG;
}

static int get_u32(json_object *o, const char *k, int64_t max, int64_t *ret)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_int))
		return -EBADMSG;
	*ret = json_object_get_int64(v);
	return *ret < 0 || *ret > max ? -EBADMSG : 0;
}

static int parse(json_object *o, struct dhcp_record *rec)
{
	struct dhcp_lease *l = &rec->lease;
	json_object *arr;
	char mac[18];
	int64_t v[4];

	if (get_str(o, "container_id", rec->container_id, sizeof(rec->container_id)) < 0 ||
	    get_str(o, "network", rec->network, sizeof(rec->network)) < 0 ||
	    get_str(o, "netns", rec->netns, sizeof(rec->netns)) < 0 ||
	    get_str(o, "interface", rec->ifname, sizeof(rec->ifname)) < 0 ||
	    get_str(o, "hostname", rec->hostname, sizeof(rec->hostname)) < 0 ||
	    get_str(o, "mac", mac, sizeof(mac)) < 0 ||
	    sscanf(mac, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx", &rec->mac[0], &rec->mac[1],
		   &rec->mac[2], &rec->mac[3], &rec->mac[4], &rec->mac[5]) != 6 ||
	    get_addr(o, "address", true, &l->addr) < 0 || get_addr(o, "mask", true, &l->mask) < 0 ||
	    get_addr(o, "router", false, &l->router) < 0 ||
	    get_addr(o, "server", false, &l->server_id) < 0 ||
	    get_str(o, "domain", l->domain, sizeof(l->domain)) < 0 ||
	    get_u32(o, "lease", UINT32_MAX, &v[0]) < 0 || get_u32(o, "t1", UINT32_MAX, &v[1]) < 0 ||
	    get_u32(o, "t2", UINT32_MAX, &v[2]) < 0 || get_u32(o, "acquired", INT64_MAX, &v[3]) < 0)
		return -EBADMSG;
	l->lease = (uint32_t)v[0];
	l->t1 = (uint32_t)v[1];
	l->t2 = (uint32_t)v[2];
	l->acquired = v[3];
	if (!dhcp_addr_usable(l->addr) || dhcp_mask_len(l->mask) < 0)
		return -EBADMSG;
	if (json_object_object_get_ex(o, "dns", &arr) && json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr) && l->n_dns < DHCP_MAX_DNS; i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(arr, i));
			if (s && inet_pton(AF_INET, s, &l->dns[l->n_dns]) == 1)
				l->n_dns++;
		}
	if (json_object_object_get_ex(o, "search", &arr) && json_object_is_type(arr, json_type_array))
		for (size_t i = 0; i < json_object_array_length(arr) && l->n_search < DHCP_SEARCH_MAX;
		     i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(arr, i));
			if (s && strlen(s) < DHCP_DOMAIN_MAX)
				strcpy(l->search[l->n_search++], s);
		}
	return 0;
}

int dhcp_store_read(const char *path, struct dhcp_record *ret)
{
	_cleanup_free_ char *raw = NULL;
	struct dhcp_record rec = {0};
	json_object *o;
	size_t len;
	int r = state_read_file(path, RECORD_MAX, &raw, &len);

	if (r < 0)
		return r;
	o = json_tokener_parse(raw);
	if (!o)
		return -EBADMSG;
	r = json_object_is_type(o, json_type_object) ? parse(o, &rec) : -EBADMSG;
	json_object_put(o);
	if (r == 0)
		*ret = rec;
	return r;
}

int dhcp_store_remove(const char *config_dir, const char *container_id, const char *ifname)
{
	_cleanup_free_ char *path = dhcp_store_path(config_dir, container_id, ifname);

	if (!path)
		return -ENOMEM;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}
