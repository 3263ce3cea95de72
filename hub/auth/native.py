# The default log-in (LECTURE3_HUB_AUTH=native, hub/jupyterhub_config.py; docs/hub.md): NativeAuthenticator
# (PyPI jupyterhub-nativeauthenticator). Each student signs up at /hub/signup with their own password; they can log
# in only once the lecturer (the admin LECTURE3_HUB_ADMIN, who signs up first and is approved automatically) has
# approved them at /hub/authorize. Passwords are stored bcrypt-hashed in the hub's database.
from jupyterhub.handlers import BaseHandler
from nativeauthenticator import handlers

c = get_config()  # noqa: F821 (JupyterHub defines it)

if not hasattr(BaseHandler, "statsd"):
    # NativeAuthenticator 1.3.0, the newest release, times each log-in with the handler's statsd client, which
    # JupyterHub 6 removed (jupyterhub/jupyterhub#5407): every log-in would fail with a 500 error. A timer that does
    # nothing, until a release of NativeAuthenticator stops using it (then this block is skipped or can go).
    class NoTimer:
        def timer(self, *_):
            return self

        def start(self):
            return self

        def stop(self, send=True):
            pass

    handlers.LoginHandler.statsd = NoTimer()

c.JupyterHub.authenticator_class = "native"
c.NativeAuthenticator.minimum_password_length = 8
c.NativeAuthenticator.check_common_password = True  # refuses the 10,000 most common passwords at sign-up
# after 5 wrong passwords in a row, that user name is refused (even with the right password) for 10 minutes
c.NativeAuthenticator.allowed_failed_logins = 5
c.NativeAuthenticator.seconds_before_next_try = 600
c.NativeAuthenticator.open_signup = False  # every sign-up waits for the lecturer's approval
# NativeAuthenticator's log-in accepts only approved users: JupyterHub's own allow-list would block them all again
c.Authenticator.allow_all = True
