"""Uploaded documents: allowed types, size, content matching the type, safe names."""
import hashlib

import pytest

from governance.platform.documents import MAX_BYTES, check_upload, clean_name
from governance.rules import RuleError

PDF = b"%PDF-1.7\n1 0 obj\n"


def code(filename, data):
    with pytest.raises(RuleError) as err:
        check_upload(filename, data)
    return err.value.code


def test_a_pdf_is_accepted_with_its_hash_and_type():
    upload = check_upload("Plan de continuation.pdf", PDF)
    assert upload.name == "Plan de continuation.pdf"
    assert upload.media_type == "application/pdf"
    assert upload.size == len(PDF)
    assert upload.sha256 == hashlib.sha256(PDF).hexdigest()


def test_the_type_comes_from_the_extension_and_the_content_must_match():
    assert check_upload("rapport.ODT", b"PK\x03\x04rest").media_type == \
        "application/vnd.oasis.opendocument.text"
    assert code("rapport.pdf", b"PK\x03\x04rest") == "document_content"
    assert code("photo.png", PDF) == "document_content"
    assert code("notes.txt", b"\xff\xfe\x00bad") == "document_content"
    assert check_upload("notes.txt", "Procès-verbal".encode()).media_type == "text/plain"


@pytest.mark.parametrize("name", ["script.html", "run.exe", "noextension", "", ".pdf", "a.svg"])
def test_other_types_are_refused(name):
    assert code(name, PDF) == "document_type"


def test_empty_and_oversized_files_are_refused():
    assert code("vide.pdf", b"") == "document_empty"
    assert check_upload("big.txt", b"a" * MAX_BYTES).size == MAX_BYTES  # exactly the limit
    assert code("big.txt", b"a" * (MAX_BYTES + 1)) == "document_too_large"


def test_names_lose_folders_and_control_characters():
    assert clean_name("C:\\Users\\me\\statuts.pdf") == "statuts.pdf"
    assert clean_name("../../etc/passwd.txt") == "passwd.txt"
    assert clean_name("bad\r\nname\x00.pdf") == "badname.pdf"
    long = clean_name("x" * 300 + ".pdf")
    assert len(long) <= 200 and long.endswith(".pdf")
