// The request page's map: the visit's place as a pin the operator can drag (or put with a click) to the
// house; the pin fills the latitude and longitude fields of the form under the map, which saves it.
// Data comes from the page (json_script "request-map-data"); Leaflet is vendored. Without Leaflet or
// tiles the page still works: the fields can be typed in, and the note says what happened.
(function () {
  "use strict";

  var box = document.getElementById("request-map");
  var source = document.getElementById("request-map-data");
  var note = document.getElementById("request-map-note");
  if (!box || !source || typeof window.L === "undefined") { return; }

  var data;
  try { data = JSON.parse(source.textContent); } catch (e) { return; }
  var L = window.L;
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var form = document.getElementById("pin-form");

  var fallback = note ? note.textContent : "";
  try { build(); } catch (e) {
    box.hidden = true;
    if (note) { note.textContent = fallback; }
    throw e;
  }

  function build() {
    box.hidden = false;
    var map = L.map(box, { minZoom: 5, maxZoom: 19 });
    L.control.scale({ imperial: false }).addTo(map);
    var explanation = form
      ? "Перетягніть позначку до будинку (або клацніть на мапі там, де він), тоді натисніть «Зберегти місце»."
      : "Позначка — місце візиту.";
    if (data.tiles && data.tiles.url) {
      var tiles = L.tileLayer(data.tiles.url, { attribution: data.tiles.attribution || "", maxZoom: 19,
                                                referrerPolicy: "strict-origin-when-cross-origin" });
      tiles.once("tileerror", function () {
        if (note) { note.textContent = "Підкладка мапи не завантажилася: видно лише позначку. " + explanation; }
      });
      tiles.addTo(map);
    } else {
      map.attributionControl.remove();
    }
    if (note) { note.textContent = explanation; }

    var at = data.at || data.centre;
    if (!at) {
      map.setView([48.5, 31.2], 6);  // nothing known: Ukraine
    } else {
      map.setView(at, data.at && !data.approximate ? 17 : 14);
    }
    var marker = null;
    function put(latlng) {
      if (lat && lon) {
        lat.value = latlng.lat.toFixed(6);
        lon.value = latlng.lng.toFixed(6);
      }
    }
    function place(latlng) {
      if (!marker) {
        marker = L.marker(latlng, {
          draggable: !!form, autoPan: true, keyboard: true,
          title: form ? "Місце візиту: перетягніть до будинку" : "Місце візиту",
          icon: L.divIcon({ className: "request-map__pin" + (data.approximate ? " request-map__pin--approximate" : ""),
                            html: "●", iconSize: [28, 28], iconAnchor: [14, 14] }),
        }).addTo(map);
        marker.on("dragend", function () { put(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
    }
    if (data.at) { place(data.at); }
    if (form) {
      map.on("click", function (event) { place(event.latlng); put(event.latlng); });
    }
  }
})();
