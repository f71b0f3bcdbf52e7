"""The Photo workspace's list without Qt: order given, one entry per file, selection, removal."""

from __future__ import annotations

import random

from inception_desktop.gui.photo.photo_list import Entry, PhotoList


def _entry(name: str) -> Entry:
    return Entry(key=f"/photos/{name}", source=name, path=f"/photos/{name}")


def test_photos_stand_in_the_order_given_whatever_order_they_arrive_in():
    photos = PhotoList()
    names = [f"{i:02d}.jpg" for i in range(15)]
    arrivals = list(enumerate(names))
    random.Random(3).shuffle(arrivals)
    for place, name in arrivals:
        assert photos.insert(_entry(name), (1, place)) >= 0
    assert photos.sources() == names


def test_two_arguments_arriving_reversed_are_not_reversed():
    photos = PhotoList()
    photos.insert(_entry("second.jpg"), (1, 1))
    photos.insert(_entry("first.jpg"), (1, 0))
    assert photos.sources() == ["first.jpg", "second.jpg"]


def test_a_folder_sorts_inside_its_argument():
    photos = PhotoList()
    photos.insert(_entry("after.jpg"), (1, 1))
    photos.insert(_entry("dir/b.jpg"), (1, 0, 1))
    photos.insert(_entry("dir/a.jpg"), (1, 0, 0))
    photos.insert(_entry("later batch.jpg"), (2, 0))
    assert photos.sources() == ["dir/a.jpg", "dir/b.jpg", "after.jpg", "later batch.jpg"]


def test_one_key_is_one_entry():
    photos = PhotoList()
    assert photos.insert(_entry("a.jpg"), (1, 0)) == 0
    assert photos.insert(_entry("a.jpg"), (2, 0)) == -1
    assert len(photos) == 1 and "/photos/a.jpg" in photos and photos.index_of("/photos/a.jpg") == 0
    assert photos.index_of("/photos/missing.jpg") == -1


def test_the_current_row_follows_its_photo_when_others_are_inserted_before_it():
    photos = PhotoList()
    photos.insert(_entry("b.jpg"), (1, 1))
    photos.current = 0
    photos.insert(_entry("a.jpg"), (1, 0))
    assert photos.current == 1 and photos.current_entry().source == "b.jpg"


def test_the_first_photo_of_a_batch_is_selected_whatever_arrives_first():
    photos = PhotoList()
    photos.begin_batch(1)
    selected = []
    for place in (2, 0, 1):  # the third arrives first, then the first
        key = f"/photos/{place}.jpg"
        photos.insert(Entry(key, f"{place}.jpg"), (1, place))
        row = photos.arrived(key, (1, place))
        if row >= 0:
            selected.append(photos[row].source)
    assert selected == ["2.jpg", "0.jpg"]  # the 1 arrived after the 0: not selected


def test_a_person_choosing_stops_the_batch_moving_the_selection():
    photos = PhotoList()
    photos.begin_batch(1)
    photos.insert(_entry("b.jpg"), (1, 1))
    assert photos.arrived("/photos/b.jpg", (1, 1)) == 0
    photos.stop_following()
    photos.insert(_entry("a.jpg"), (1, 0))
    assert photos.arrived("/photos/a.jpg", (1, 0)) == -1


def test_opening_a_known_file_again_selects_it():
    photos = PhotoList()
    photos.insert(_entry("a.jpg"), (1, 0))
    photos.insert(_entry("b.jpg"), (1, 1))
    photos.begin_batch(2)
    assert photos.insert(_entry("a.jpg"), (2, 0)) == -1
    assert photos.arrived("/photos/a.jpg", (2, 0)) == 0
    assert photos.arrived("/photos/b.jpg", (1, 1)) == -1  # an old batch's late arrival


def test_removing_the_current_photo_selects_its_neighbour():
    photos = PhotoList()
    for i in range(3):
        photos.insert(_entry(f"{i}.jpg"), (1, i))
    photos.current = 1
    assert photos.remove(1).source == "1.jpg"
    assert photos.current == 1 and photos.current_entry().source == "2.jpg"
    assert photos.remove(1) is not None and photos.current == 0  # the last: the previous one
    assert photos.remove(0) is not None and photos.current == -1 and len(photos) == 0
    assert photos.remove(0) is None


def test_removing_before_the_current_photo_keeps_it_current():
    photos = PhotoList()
    for i in range(3):
        photos.insert(_entry(f"{i}.jpg"), (1, i))
    photos.current = 2
    photos.remove(0)
    assert photos.current_entry().source == "2.jpg"
    assert photos.index_of("/photos/2.jpg") == 1


def test_clear():
    photos = PhotoList()
    photos.insert(_entry("a.jpg"), (1, 0))
    photos.current = 0
    photos.begin_batch(1)
    photos.clear()
    assert len(photos) == 0 and photos.current == -1 and photos.current_entry() is None
    assert photos.arrived("/photos/a.jpg", (1, 0)) == -1


def test_the_cache_keeps_the_most_recently_used_and_never_fileless_photos():
    from types import SimpleNamespace

    from inception_desktop.gui.photo.photo_list import PhotoCache

    cache = PhotoCache(2)
    a, b, c = (SimpleNamespace(path=f"/{n}") for n in "abc")
    cache.put("a", a)
    cache.put("b", b)
    assert cache.get("a") is a  # a is now the most recent
    cache.put("c", c)
    assert len(cache) == 2 and cache.get("b") is None and cache.get("a") is a
    cache.put("pasted", SimpleNamespace(path=None))
    assert cache.get("pasted") is None
    cache.pop("a")
    cache.clear()
    assert len(cache) == 0


def test_the_shown_size_is_upright_and_the_box_reads_as_the_cli_option():
    from types import SimpleNamespace

    from inception_desktop.core.photo.framing import Box
    from inception_desktop.gui.photo.photo_list import box_argument, shown_size

    def photo(original, decoded):
        return SimpleNamespace(loaded=SimpleNamespace(original_size=original, size=decoded))

    assert shown_size(photo((785, 320), (320, 785))) == (320, 785)  # EXIF-rotated
    assert shown_size(photo((4000, 3000), (1000, 750))) == (4000, 3000)  # drafted JPEG
    assert shown_size(photo((500, 500), (500, 500))) == (500, 500)
    box = Box(10.4, 20.6, 300.2, 199.5)
    assert box_argument(box) == "--box 10,21,300,200"
    assert Box.parse(box_argument(box).split()[1]) == Box(10, 21, 300, 200)
