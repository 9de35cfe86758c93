/* tend-ssh-connect.c — connecting a libssh session as OpenSSH would: the user's
 * ~/.ssh/config, known_hosts and keys (on the worker thread, see tend-ssh-worker.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libssh finds the home directory with getpwuid(), not $HOME: every path is given here
 * from g_get_home_dir() (which honours $HOME), so a test's or a sandbox's home is the
 * one used. ("~" inside ~/.ssh/config is still libssh's: it expands to getpwuid's home;
 * "%d" is the .ssh directory given here.)
 *
 * Inside Flatpak ~/.ssh is read-only (flatpak/README.md): a host key the user accepts is
 * written to Tend's own file, $XDG_DATA_HOME/tend/known_hosts (in the sandbox
 * ~/.var/app/io.github.tendapp.Tend/data/tend/known_hosts), and ~/.ssh/known_hosts is
 * read as libssh's second, "global", file, so the keys ssh already knows still count.
 */
#define G_LOG_DOMAIN "Tend-Ssh"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdbool.h>
#include <string.h>

#include "tend-error.h"
#include "tend-sandbox.h"
#include "tend-ssh-worker-private.h"

static char *
fingerprint_of (ssh_key key)
{
  unsigned char *hash = NULL;
  size_t len = 0;
  char *text;
  char *copy;

  if (key == NULL || ssh_get_publickey_hash (key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) < 0)
    return NULL;
  /* "SHA256:" and unpadded base64, as ssh-keygen -l -E sha256 prints it */
  text = ssh_get_fingerprint_hash (SSH_PUBLICKEY_HASH_SHA256, hash, len);
  ssh_clean_pubkey_hash (&hash);
  if (text == NULL)
    return NULL;
  copy = g_strdup (text);
  ssh_string_free_char (text);
  return copy;
}

/* How known_hosts and ssh-keygen -R name the server: host, or [host]:port. */
static char *
known_hosts_name (const char *host,
                  unsigned    port)
{
  return port == 22 ? g_strdup (host) : g_strdup_printf ("[%s]:%u", host, port);
}

/* The key files publickey_auto tried: the first IdentityFile (libssh shows only that
 * one), and the default ones that exist. */
static char *
keys_tried (ssh_session  session,
            const char  *ssh_dir,
            gboolean     agent)
{
  static const char * const defaults[] = { "id_ed25519", "id_ecdsa", "id_rsa", "id_dsa" };
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  char *identity = NULL;

  if (agent)
    g_ptr_array_add (keys, g_strdup (_("the keys of ssh-agent")));
  if (ssh_options_get (session, SSH_OPTIONS_IDENTITY, &identity) == SSH_OK && identity != NULL)
    {
      g_ptr_array_add (keys, g_strdup (identity));
      ssh_string_free_char (identity);
    }
  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    {
      g_autofree char *path = g_build_filename (ssh_dir, defaults[i], NULL);
      gboolean listed = FALSE;

      for (guint j = 0; j < keys->len; j++)
        listed |= g_strcmp0 (g_ptr_array_index (keys, j), path) == 0;
      if (!listed && g_file_test (path, G_FILE_TEST_EXISTS))
        g_ptr_array_add (keys, g_steal_pointer (&path));
    }
  if (keys->len == 0)
    return g_strdup (_("none: no ssh-agent, no key file"));
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (", ", (char **) keys->pdata);
}

/* The fingerprint of the key @known_hosts has for @server (libssh reports that the key
 * changed, not which one it had): the first matching line, hashed names included. */
static char *
known_fingerprint_of (const char *known_hosts,
                      const char *server)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (known_hosts, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      struct ssh_knownhosts_entry *entry = NULL;
      char *fingerprint;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#' || lines[i][0] == '@')
        continue;
      if (ssh_known_hosts_parse_line (server, lines[i], &entry) != SSH_OK || entry == NULL)
        continue;
      fingerprint = fingerprint_of (entry->publickey);
      ssh_knownhosts_entry_free (entry);
      if (fingerprint != NULL)
        return fingerprint;
    }
  return NULL;
}

static gboolean
check_host_key (ssh_session   session,
                const char   *address,
                const char   *server,
                const char   *known_hosts,
                const char   *global_known_hosts,
                const char   *accept_fingerprint,
                char        **fingerprint,
                char        **known_fingerprint,
                TendSshState *state,
                GError      **error)
{
  ssh_key key = NULL;
  enum ssh_known_hosts_e known;

  if (ssh_get_server_publickey (session, &key) < 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE,
                   _("%s sent no host key: %s"), address, ssh_get_error (session));
      return FALSE;
    }
  g_free (*fingerprint);
  *fingerprint = fingerprint_of (key);
  ssh_key_free (key);

  known = ssh_session_is_known_server (session);
  switch (known)
    {
    case SSH_KNOWN_HOSTS_OK:
      return TRUE;

    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      *known_fingerprint = known_fingerprint_of (known_hosts, server);
      /* The old key may be in the second file (~/.ssh/known_hosts inside Flatpak) */
      if (*known_fingerprint == NULL && global_known_hosts != NULL &&
          (*known_fingerprint = known_fingerprint_of (global_known_hosts, server)) != NULL)
        known_hosts = global_known_hosts;
      *state = TEND_SSH_STATE_HOST_KEY_CHANGED;
      g_set_error (error, TEND_ERROR, TEND_ERROR_HOST_KEY_CHANGED,
                   _("The host key of %s changed: it was %s, it is now %s. Someone may be "
                     "intercepting the connection, so Tend will not connect. If the host "
                     "was reinstalled, check the new key with its administrator, remove "
                     "the old one with “ssh-keygen -R %s -f %s” and connect again."),
                   address,
                   *known_fingerprint != NULL ? *known_fingerprint : _("another key"),
                   *fingerprint, server, known_hosts);
      return FALSE;

    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
      if (accept_fingerprint != NULL && g_strcmp0 (accept_fingerprint, *fingerprint) == 0)
        {
          if (ssh_session_update_known_hosts (session) != SSH_OK)
            {
              g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                           _("Could not add the host key of %s to %s: %s"), address,
                           known_hosts, ssh_get_error (session));
              return FALSE;
            }
          g_debug ("%s: added %s to %s", address, *fingerprint, known_hosts);
          return TRUE;
        }
      *state = TEND_SSH_STATE_HOST_KEY_UNKNOWN;
      if (accept_fingerprint != NULL)
        g_set_error (error, TEND_ERROR, TEND_ERROR_HOST_KEY_UNKNOWN,
                     _("The host key of %s is %s, not the fingerprint accepted for it (%s). "
                       "Tend did not connect. Check the key with the host's administrator "
                       "(ssh-keygen -l -f on its /etc/ssh/ssh_host_*_key.pub)."),
                     address, *fingerprint, accept_fingerprint);
      else
        g_set_error (error, TEND_ERROR, TEND_ERROR_HOST_KEY_UNKNOWN,
                     _("The host key of %s is not known yet. Its fingerprint is %s: check it "
                       "with the host's administrator (ssh-keygen -l -f on its "
                       "/etc/ssh/ssh_host_*_key.pub), then accept it."),
                     address, *fingerprint);
      return FALSE;

    case SSH_KNOWN_HOSTS_ERROR:
    default:
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   _("Could not check the host key of %s against %s: %s"), address,
                   known_hosts, ssh_get_error (session));
      return FALSE;
    }
}

static gboolean
authenticate (ssh_session   session,
              const char   *address,
              const char   *ssh_dir,
              const char   *user,
              const char   *host,
              TendSshState *state,
              GError      **error)
{
  gboolean agent = g_getenv ("SSH_AUTH_SOCK") != NULL;
  g_autofree char *tried = NULL;
  int rc;

  rc = ssh_userauth_none (session, NULL);
  if (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR && agent)
    rc = ssh_userauth_agent (session, NULL);
  if (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR)
    rc = ssh_userauth_publickey_auto (session, NULL, NULL);
  if (rc == SSH_AUTH_SUCCESS)
    return TRUE;
  if (rc == SSH_AUTH_ERROR && !ssh_is_connected (session) &&
      strstr (ssh_get_error (session), "authentication") != NULL)
    {
      /* sshd's MaxAuthTries: an agent full of keys is offered before the right one. */
      *state = TEND_SSH_STATE_AUTH_FAILED;
      g_set_error (error, TEND_ERROR, TEND_ERROR_AUTH_FAILED,
                   _("%s closed the connection after too many keys were offered for the user "
                     "%s (%s). Name the right key with IdentityFile for %s in ~/.ssh/config."),
                   address, user, ssh_get_error (session), address);
      return FALSE;
    }
  if (rc == SSH_AUTH_ERROR && !ssh_is_connected (session))
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE,
                   _("The connection to %s was lost while logging in: %s"), address,
                   ssh_get_error (session));
      return FALSE;
    }
  tried = keys_tried (session, ssh_dir, agent);
  *state = TEND_SSH_STATE_AUTH_FAILED;
  g_set_error (error, TEND_ERROR, TEND_ERROR_AUTH_FAILED,
               _("%s refused every key Tend offered for the user %s (%s). Add the public "
                 "key to ~/.ssh/authorized_keys of %s on %s, load the right key into "
                 "ssh-agent, or name it with IdentityFile for %s in ~/.ssh/config."),
               address, user, tried, user, host, address);
  return FALSE;
}

/* Connects @session (new, blocking) to @address and authenticates. @where: user@host:port;
 * @fingerprint: the server's key; @known_fingerprint: known_hosts' key when it changed;
 * @state: what a failure means. */
gboolean
tend_ssh_worker_open (ssh_session   session,
                      const char   *address,
                      const char   *config_file,
                      const char   *known_hosts_file,
                      const char   *accept_fingerprint,
                      const char   *user,
                      int           port,
                      guint         timeout_msec,
                      char        **where,
                      char        **fingerprint,
                      char        **known_fingerprint,
                      TendSshState *state,
                      GError      **error)
{
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *config = config_file != NULL ? g_strdup (config_file) :
                            g_build_filename (ssh_dir, "config", NULL);
  g_autofree char *default_known = g_build_filename (ssh_dir, "known_hosts", NULL);
  g_autofree char *known_hosts = NULL;
  g_autofree char *global_known_hosts = NULL;
  g_autofree char *server = NULL;
  char *host = NULL;
  char *login = NULL;
  unsigned int server_port = 22;
  long seconds = timeout_msec / 1000;
  long usec = (timeout_msec % 1000) * 1000;
  bool no = false;
  int nodelay = 1;
  gboolean ok = FALSE;

  *state = TEND_SSH_STATE_UNREACHABLE;
  ssh_options_set (session, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set (session, SSH_OPTIONS_HOST, address);
  if (user != NULL)
    ssh_options_set (session, SSH_OPTIONS_USER, user);
  ssh_options_set (session, SSH_OPTIONS_SSH_DIR, ssh_dir);
  if (tend_sandbox_is_flatpak ())
    {
      /* ~/.ssh is read-only there: see the top of this file */
      ssh_options_set (session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, default_known);
      g_free (default_known);
      default_known = g_build_filename (g_get_user_data_dir (), "tend", "known_hosts", NULL);
    }
  ssh_options_set (session, SSH_OPTIONS_KNOWNHOSTS,
                   known_hosts_file != NULL ? known_hosts_file : default_known);
  if (g_file_test (config, G_FILE_TEST_EXISTS) &&
      ssh_options_parse_config (session, config) < 0)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_FAILED,
                   _("Could not read %s to connect to %s: %s"), config, address,
                   ssh_get_error (session));
      return FALSE;
    }
  /* An explicit port and known_hosts win over the configuration, as ssh -p and -o do. */
  if (known_hosts_file != NULL)
    ssh_options_set (session, SSH_OPTIONS_KNOWNHOSTS, known_hosts_file);
  if (port > 0)
    ssh_options_set (session, SSH_OPTIONS_PORT, &port);
  /* Commands are small requests and answers: no Nagle delay on them. */
  ssh_options_set (session, SSH_OPTIONS_NODELAY, &nodelay);
  ssh_options_set (session, SSH_OPTIONS_TIMEOUT, &seconds);
  ssh_options_set (session, SSH_OPTIONS_TIMEOUT_USEC, &usec);

  if (ssh_options_get (session, SSH_OPTIONS_KNOWNHOSTS, &host) == SSH_OK)
    {
      known_hosts = g_strdup (host);
      ssh_string_free_char (host);
      host = NULL;
    }
  else
    known_hosts = g_strdup (default_known);
  if (tend_sandbox_is_flatpak () &&
      ssh_options_get (session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, &host) == SSH_OK)
    {
      global_known_hosts = g_strdup (host);
      ssh_string_free_char (host);
      host = NULL;
    }

  if (ssh_connect (session) != SSH_OK)
    {
      g_set_error (error, TEND_ERROR, TEND_ERROR_UNREACHABLE,
                   _("Could not connect to %s: %s. Check that the host is up, that its sshd "
                     "listens on that port and that no firewall is in the way."),
                   address, ssh_get_error (session));
      return FALSE;
    }

  ssh_options_get (session, SSH_OPTIONS_HOST, &host);
  ssh_options_get (session, SSH_OPTIONS_USER, &login);
  ssh_options_get_port (session, &server_port);
  server = known_hosts_name (host != NULL ? host : address, server_port);
  g_free (*where);
  *where = g_strdup_printf ("%s@%s:%u", login != NULL ? login : "?",
                            host != NULL ? host : address, server_port);

  if (check_host_key (session, address, server, known_hosts, global_known_hosts,
                      accept_fingerprint, fingerprint, known_fingerprint, state, error) &&
      authenticate (session, address, ssh_dir, login != NULL ? login : "?",
                    host != NULL ? host : address, state, error))
    ok = TRUE;

  ssh_string_free_char (host);
  ssh_string_free_char (login);
  return ok;
}
