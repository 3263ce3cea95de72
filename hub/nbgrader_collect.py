"""nbgrader collect for the class hub, where each student has a Unix account of their own (docs/grading.md, "On the
class hub"). The lecturer's grading account uses it with

    PYTHONPATH=<project>/hub nbgrader collect <assignment> --ExchangeFactory.collect=nbgrader_collect.OwnerCheckedCollect

nbgrader names a submission in the exchange's inbound folder after the student who says they sent it
(`<student>+<assignment>+<time>+<random>`), and `nbgrader submit --student=<someone else>` lets any student claim
another's name; nbgrader's own collect only warns ("cheating attempt?") and then takes the newest submission under
that name, so a student could replace another's. Here a submission whose folder does not belong to the Unix account
it names is not collected, with a message to the lecturer; everything else is nbgrader's collect.
"""
import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect

FORGED = "\0forged"  # a username no account has: such records are grouped apart, then dropped


class OwnerCheckedCollect(ExchangeCollect):
    def _path_to_record(self, path):
        rec = super()._path_to_record(path)
        try:
            owner = pwd.getpwuid(os.stat(path).st_uid).pw_name
        except KeyError:
            owner = f"uid {os.stat(path).st_uid}"
        if owner != rec["username"]:
            self.log.error("%s は %s の提出となっていますが、作ったのは %s です。なりすましの疑いがあるので集めません。"
                           "%s さん本人に、自分のサーバーから提出し直してもらってください"
                           " (submitted in %s's name by %s: not collected)", rec["filename"], rec["username"], owner,
                           rec["username"], rec["username"], owner)
            rec["username"] = FORGED + rec["filename"]
        return rec

    def init_src(self):
        super().init_src()
        self.src_records = [r for r in self.src_records if not r["username"].startswith(FORGED)]
