"""Latin letters with accents read as their plain letter, so that the queue filter finds
José for `jose` and Müller for `muller` (PRODUCT 3, `/`).

A SQLite file folds them in an FTS5 index of words (schema v16, `remove_diacritics`); a
team's PostgreSQL book keeps its filter text folded by `funnel_fold`, which translates
the letters listed here. Both fold the letters Unicode writes as a plain ASCII letter
with marks over or under it (é, ü, ñ, ç, ő, ạ, ...) from the Latin blocks (Latin-1
Supplement, Latin Extended-A and -B, Latin Extended Additional); letters of their own
(ø, ł, ß, æ) stay as they are, as SQLite's folding leaves them. Unicode's decompositions
never change, so neither does this list (`tests/test_accents.py` derives it again).
"""

from __future__ import annotations

import unicodedata

# The accented letters and, at the same places, the plain letters they fold to.
ACCENTED = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíî"
    "ïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜ"
    "ĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐő"
    "ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽ"
    "žƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻ"
    "ȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯ"
    "ȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣ"
    "ḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋ"
    "ṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳ"
    "ṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẠạ"
    "ẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉ"
    "ỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰự"
    "ỲỳỴỵỶỷỸỹ"
)
PLAIN = (
    "aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiii"
    "inooooouuuuyyaaaaaaccccccccddeeeeeeeeeeg"
    "ggggggghhiiiiiiiiijjkkllllllnnnnnnoooooo"
    "rrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzz"
    "zoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaa"
    "aaaaeeeeiiiioooorrrruuuusstthhaaeeoooooo"
    "ooyyaabbbbbbccddddddddddeeeeeeeeeeffgghh"
    "hhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnn"
    "oooooooopppprrrrrrrrssssssssssttttttttuu"
    "uuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyaa"
    "aaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeii"
    "iioooooooooooooooooooooooouuuuuuuuuuuuuu"
    "yyyyyyyy"
)
# The combining accents, which folding drops: text from a Mac may write é as e and a
# combining acute.
COMBINING = "".join(map(chr, range(0x0300, 0x0370)))
_FOLD = str.maketrans(ACCENTED, PLAIN, COMBINING)


def fold(text: str) -> str:
    """The text in lowercase with its accented Latin letters plain, as `funnel_fold` keeps
    a team's filter text."""
    return unicodedata.normalize("NFC", text).translate(_FOLD).lower()
