<?xml version="1.0" encoding="UTF-8"?>
<psc:chapters version="1.2" xmlns:psc="http://podlove.org/simple-chapters">
  <psc:chapter start="00:00:20.000" title="Mot d'accueil de Daniel Delaveau"/>
  <psc:chapter start="00:07:00.000" title="Introduction du sujet par Adrien Bréger"/>
  <psc:chapter start="00:14:20.000" title="Tableau Ronde 1 : Pourquoi développer le travail pair ?"/>
  <psc:chapter start="00:58:35.000" title="Questions du public"/>
  <psc:chapter start="01:03:37.000" title="Anne Postic, Commissaire à la Stratégie de prévention et de lutte contre la pauvreté dans les Pays de la Loire"/>
  <psc:chapter start="01:17:45.000" title="Ludovic Magnier, Commissaire à la Stratégie de prévention et de lutte contre la pauvreté en Bretagne"/>
  <psc:chapter start="01:30:40.000" title="Tableau Ronde 2 : Comment réunir les conditions nécessaires à la réussite du travail pair ?"/>
  <psc:chapter start="02:16:05.000" title="Questions du public"/>
  <psc:chapter start="02:28:25.000" title="Jean-Claude Laurent, Président de la FAS des Pays de la Loire : Conclusion et remerciements"/>
</psc:chapters>
