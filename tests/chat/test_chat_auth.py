"""Credentials from a file or the environment, and login throttling (issue 10, finding 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chat.auth import AuthConfigError, ThrottledAuth, load_credentials, parse_pair


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_parse_pair() -> None:
    assert parse_pair("ana:s3cret:x", "--auth") == ("ana", "s3cret:x")
    for bad in ("ana", ":pw", "ana:"):
        with pytest.raises(AuthConfigError, match="USER:PASSWORD"):
            parse_pair(bad, "--auth")


def test_credentials_come_from_a_file_then_the_environment_then_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "auth.txt"
    path.write_text("# listeners\nana:s3cret\n\nbo:pw:with:colons\n")
    assert load_credentials("x:y", str(path), env={"CRATEDIGGER_AUTH": "e:f"}) == {
        "ana": "s3cret", "bo": "pw:with:colons"
    }
    assert load_credentials("x:y", None, env={"CRATEDIGGER_AUTH": "e:f"}) == {"e": "f"}
    assert load_credentials("x:y", None, env={}) == {"x": "y"}
    assert load_credentials(None, None, env={}) == {}
    path.write_text("# nothing\n")
    with pytest.raises(AuthConfigError, match="no USER:PASSWORD line"):
        load_credentials(None, str(path), env={})


def test_the_secret_never_appears_in_error_messages() -> None:
    with pytest.raises(AuthConfigError) as info:
        parse_pair("s3cretwithoutcolon", "$CRATEDIGGER_AUTH")
    assert "s3cret" not in str(info.value)


def test_fifty_wrong_passwords_lock_the_name_even_for_the_right_one() -> None:
    clock = Clock()
    check = ThrottledAuth({"ana": "s3cret"}, clock=clock)
    assert [check("ana", f"guess{i}") for i in range(50)] == [False] * 50
    assert check("ana", "s3cret") is False  # before: 50 wrong tries in 60 ms, then the right one worked
    assert check.locked_for("ana") == pytest.approx(2.0)  # tries while locked are refused unread
    clock.now += 2.01
    assert check("ana", "s3cret") is True
    assert check("ana", "nope") is False and check("ana", "s3cret") is True  # success reset the count


def test_lockout_backs_off_exponentially() -> None:
    clock = Clock()
    check = ThrottledAuth({"ana": "s3cret"}, free_failures=3, base_lockout_s=2, clock=clock)
    waits = []
    for _ in range(4):
        check("ana", "wrong")
        waits.append(round(check.locked_for("ana")))
        clock.now += waits[-1] + 0.01
    assert waits == [0, 0, 2, 4]
    assert check("bo", "anything") is False and check.locked_for("ana") == 0


def test_unknown_names_are_refused_untracked_and_file_errors_name_the_line(tmp_path: Path) -> None:
    check = ThrottledAuth({"ana": "s3cret"})
    assert not any(check(f"bot{i}", "pw") for i in range(1000))
    assert check._failures == {} and check._locked_until == {}  # no unbounded memory
    path = tmp_path / "auth.txt"
    path.write_text("# users\n\nana:ok\nbroken\n")
    with pytest.raises(AuthConfigError, match="line 4"):
        load_credentials(None, str(path), env={})
    path.write_text("ana:one\nana:two\n")
    with pytest.raises(AuthConfigError, match="names a user twice"):
        load_credentials(None, str(path), env={})
